/**
 * `orgtrail demo --remove`: deletes a demo organization whole (events, chain, checkpoints,
 * purge records, rollups, users, lifecycle, memberships, alert settings and outbox, every
 * other row keyed by its org_id) and the organization itself, in one transaction, leaving an
 * append-only record in demo_removals. Only an organization created as a demo: the database
 * refuses any other (migration 0013, docs/SECURITY.md).
 */
import { sql, type Transaction } from "kysely";
import type { Store } from "../db/client";
import type { Database } from "../db/types";
import { forgetExportCursors } from "../export/bucket-cursor";
import { NotADemoError } from "./organization";

export interface DemoRemoval {
  slug: string;
  /** Events the organization held (its last sequence number). */
  events: number;
}

/** Tables of the store with an org_id column, but the ones the removal handles itself. */
const HANDLED = new Set(["organizations", "demo_removals", "data_versions"]);

async function sqliteOrgTables(trx: Transaction<Database>): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`SELECT m.name AS name FROM sqlite_master m, pragma_table_info(m.name) p
    WHERE m.type = 'table' AND p.name = 'org_id' ORDER BY m.name`.execute(trx);
  return rows.map((r) => r.name).filter((n) => !HANDLED.has(n));
}

/** The SQLite form of orgtrail_remove_demo_org (PostgreSQL runs that function, migration 0013). */
async function removeOnSqlite(trx: Transaction<Database>, org: { id: number; slug: string; last_seq: number; chain_head: string }): Promise<void> {
  await trx
    .insertInto("demo_removals")
    .values({ org_id: org.id, slug: org.slug, last_seq: org.last_seq, chain_head: org.chain_head, removed_at: Date.now() })
    .execute();
  await trx.updateTable("accounts").set({ default_org_id: null }).where("default_org_id", "=", org.id).execute();
  let pending = await sqliteOrgTables(trx);
  // A table another one still references (foreign keys are on) waits for the next pass.
  for (let pass = 1; pending.length > 0; pass++) {
    if (pass > 10) throw new Error(`cannot remove organization ${org.slug}: rows of ${pending.join(", ")} are still referenced`);
    const failed: string[] = [];
    for (const table of pending) {
      try {
        await sql`DELETE FROM ${sql.id(table)} WHERE org_id = ${org.id}`.execute(trx);
      } catch (error) {
        if (!/FOREIGN KEY/i.test(error instanceof Error ? error.message : String(error))) throw error;
        failed.push(table);
      }
    }
    pending = failed;
  }
  await sql`DELETE FROM data_versions WHERE org_id = ${org.id}`.execute(trx);
  await trx.deleteFrom("organizations").where("id", "=", org.id).execute();
}

export async function removeDemoOrg(store: Store, slug: string): Promise<DemoRemoval> {
  const org = await store.db.selectFrom("organizations").select(["id", "slug", "demo", "last_seq", "chain_head"]).where("slug", "=", slug).executeTakeFirst();
  if (!org) throw new NotADemoError(`no organization named ${JSON.stringify(slug)}`);
  if (org.demo !== 1)
    throw new NotADemoError(
      `the organization ${JSON.stringify(slug)} was not created as a demo organization; its log is kept (only a demo organization can be removed)`,
    );
  await store.db.transaction().execute(async (trx) => {
    if (store.dialect === "postgres") await sql`SELECT orgtrail_remove_demo_org(${org.id})`.execute(trx);
    else {
      // Re-read inside the transaction (SQLite's write lock is held from the first write on).
      const current = await trx
        .selectFrom("organizations")
        .select(["id", "slug", "demo", "last_seq", "chain_head"])
        .where("id", "=", org.id)
        .executeTakeFirstOrThrow();
      await removeOnSqlite(trx, { ...current, last_seq: Number(current.last_seq) });
    }
    await forgetExportCursors(trx, slug);
  });
  return { slug, events: Number(org.last_seq) };
}
