// The access-log job: daily, deletes access-log entries older than ORGTRAIL_ACCESS_LOG_DAYS
// and sessions that have ended (idle or past their end), so neither grows without bound.
import { env } from "../env";
import type { Job } from "../jobs/scheduler";
import { registerJobFactory } from "../jobs/start";
import { purgeAccessLog } from "./access-log";
import { deleteEndedSessions } from "./sessions";

export const ACCESS_LOG_JOB = "access-log-retention";

export function createAccessLogJob(days: number, intervalMs = 86_400_000): Job {
  return {
    name: ACCESS_LOG_JOB,
    intervalMs,
    async run({ store, signal }) {
      const entries = await purgeAccessLog(store.db, days, Date.now(), signal);
      const sessions = await deleteEndedSessions(store.db);
      if (entries > 0 || sessions > 0) console.error(`orgtrail: access log: ${entries} entries older than ${days} days and ${sessions} ended sessions deleted`);
    },
  };
}

registerJobFactory(async () => createAccessLogJob(env().ORGTRAIL_ACCESS_LOG_DAYS));
