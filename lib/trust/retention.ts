/**
 * The retention floor (HIPAA: six years), in days: orgtrail never purges events younger than
 * this, and the database itself refuses (the triggers and the purge function of migration
 * 0001, lib/db/migrations/0001-initial.ts, which hold their own copy of the number: a frozen
 * migration imports nothing).
 */
export const MIN_RETENTION_DAYS = 2192;
