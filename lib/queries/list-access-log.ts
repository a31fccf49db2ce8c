import "server-only";
import type { Kysely } from "kysely";
import type { AccessLogPage } from "../auth/access-log-view";
import type { Database } from "../db/types";

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * One page of orgtrail's access log, newest first. An instance admin sees every entry; an
 * organization admin sees the entries of its organization's accounts only (their calls,
 * sign-ins, refusals naming them), never other tenants' or anonymous ones.
 */
export async function listAccessLog(
  db: Kysely<Database>,
  options: { orgId: number; instanceAdmin: boolean; limit: number; before?: number },
): Promise<AccessLogPage> {
  let query = db
    .selectFrom("access_log")
    .selectAll()
    .orderBy("id", "desc")
    .limit(options.limit + 1);
  if (options.before !== undefined) query = query.where("id", "<", options.before);
  if (!options.instanceAdmin) {
    const members = db.selectFrom("memberships").select("account_id").where("org_id", "=", options.orgId);
    const names = db
      .selectFrom("accounts")
      .innerJoin("memberships", "memberships.account_id", "accounts.id")
      .select("accounts.username")
      .where("memberships.org_id", "=", options.orgId);
    query = query.where((eb) => eb.or([eb("account_id", "in", members), eb.and([eb("account_id", "is", null), eb("username", "in", names)])]));
  }
  const rows = await query.execute();
  const page = rows.slice(0, options.limit);
  return {
    entries: page.map((r) => ({
      id: Number(r.id),
      at: iso(Number(r.at)),
      lastAt: iso(Number(r.last_at ?? r.at)),
      event: r.event,
      username: r.username,
      client: r.client,
      userAgent: r.user_agent,
      method: r.method,
      path: r.path,
      status: Number(r.status),
      count: Number(r.count),
      detail: r.detail,
    })),
    nextBefore: rows.length > options.limit ? Number(page[page.length - 1]!.id) : null,
    wholeInstance: options.instanceAdmin,
  };
}
