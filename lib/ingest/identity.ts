import type { Kysely } from "kysely";
import type { NormalizedEvent } from "../audit/event";
import type { Database } from "../db/types";

interface Known {
  id: number;
  external_id: string | null;
  email_key: string | null;
}

export interface ResolvedIdentities {
  /** users.id of each event's actor (index-aligned with the batch), or null. */
  actor: (number | null)[];
  target: (number | null)[];
}

const IN_CHUNK = 500;

/**
 * Maps each event's actor and target to a user row (SPEC §4 identity: the platform id first,
 * then the email, case-insensitively), creating users the store has not seen. A user found
 * by email learns its id; one found by id learns its email when it had none.
 */
export async function resolveIdentities(
  trx: Kysely<Database>,
  orgId: number,
  events: NormalizedEvent[],
): Promise<ResolvedIdentities> {
  const ids = new Set<string>();
  const emails = new Set<string>();
  for (const e of events) {
    if (e.actorId) ids.add(e.actorId);
    if (e.targetId) ids.add(e.targetId);
    if (e.actorEmail) emails.add(e.actorEmail.toLowerCase());
    if (e.targetEmail) emails.add(e.targetEmail.toLowerCase());
  }
  const byId = new Map<string, Known>();
  const byEmail = new Map<string, Known>();
  const byUser = new Map<number, Known>();
  // One object per user, so an id or email learned through one map is seen through the other.
  const remember = (row: Known) => {
    const u = byUser.get(row.id) ?? row;
    byUser.set(u.id, u);
    if (u.external_id !== null) byId.set(u.external_id, u);
    if (u.email_key !== null) byEmail.set(u.email_key, u);
  };
  const idList = [...ids];
  for (let i = 0; i < idList.length; i += IN_CHUNK) {
    const rows = await trx
      .selectFrom("users")
      .select(["id", "external_id", "email_key"])
      .where("org_id", "=", orgId)
      .where("external_id", "in", idList.slice(i, i + IN_CHUNK))
      .execute();
    rows.forEach(remember);
  }
  const emailList = [...emails].filter((e) => !byEmail.has(e));
  for (let i = 0; i < emailList.length; i += IN_CHUNK) {
    const rows = await trx
      .selectFrom("users")
      .select(["id", "external_id", "email_key"])
      .where("org_id", "=", orgId)
      .where("email_key", "in", emailList.slice(i, i + IN_CHUNK))
      .execute();
    rows.forEach(remember);
  }

  const resolve = async (id: string | null, email: string | null): Promise<number | null> => {
    const emailKey = email ? email.toLowerCase() : null;
    if (id === null && emailKey === null) return null;
    const hitById = id !== null ? byId.get(id) : undefined;
    if (hitById) {
      if (emailKey !== null && hitById.email_key === null && !byEmail.has(emailKey)) {
        await trx.updateTable("users").set({ email: email, email_key: emailKey }).where("id", "=", hitById.id).execute();
        hitById.email_key = emailKey;
        remember(hitById);
      }
      return hitById.id;
    }
    const hitByEmail = emailKey !== null ? byEmail.get(emailKey) : undefined;
    if (hitByEmail) {
      if (id !== null && hitByEmail.external_id === null) {
        await trx.updateTable("users").set({ external_id: id }).where("id", "=", hitByEmail.id).execute();
        hitByEmail.external_id = id;
        remember(hitByEmail);
      }
      return hitByEmail.id;
    }
    const created = await trx
      .insertInto("users")
      .values({
        org_id: orgId,
        external_id: id,
        email: email,
        email_key: emailKey,
        reports: 0,
        runs: 0,
        in_directory: 0,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    const known: Known = { id: created.id, external_id: id, email_key: emailKey };
    remember(known);
    return known.id;
  };

  const actor: (number | null)[] = [];
  const target: (number | null)[] = [];
  for (const e of events) {
    actor.push(await resolve(e.actorId, e.actorEmail));
    target.push(await resolve(e.targetId, e.targetEmail));
  }
  return { actor, target };
}
