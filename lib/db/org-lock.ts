/**
 * The organization lock, in one place: every writer of an organization's events or users
 * (ingest, the directory import, a quarantine retry) takes it first, so sequence numbers stay
 * contiguous, dedupe sees every commit and two writers never create the same user. On
 * PostgreSQL it is the organization's row lock (FOR NO KEY UPDATE: the same lock an UPDATE of
 * the row takes, without writing it; it does not block the foreign-key checks of other
 * tables); with events partitioned by month it is also what keeps (org_id, seq) unique
 * (lib/db/pg-partitions.ts). On SQLite the write transaction (BEGIN IMMEDIATE) is the lock:
 * there is one writer per database.
 */
import type BetterSqlite3 from "better-sqlite3";
import { sql, type Kysely } from "kysely";
import type pg from "pg";
import type { Dialect } from "./dialect";
import type { Database } from "./types";

/** The organization's sequence and chain head at the lock. */
export interface LockedOrg {
  lastSeq: number;
  chainHead: string;
}

const SQLITE_READ = "SELECT last_seq, chain_head FROM organizations WHERE id = ?";
const PG_LOCK = "SELECT last_seq, chain_head FROM organizations WHERE id = $1 FOR NO KEY UPDATE";
const SQLITE_SET = "UPDATE organizations SET last_seq = ?, chain_head = ? WHERE id = ?";
const PG_SET = "UPDATE organizations SET last_seq = $1, chain_head = $2 WHERE id = $3";

const sqliteStatements = new WeakMap<
  BetterSqlite3.Database,
  { read: BetterSqlite3.Statement<[number], { last_seq: number; chain_head: string }>; set: BetterSqlite3.Statement<[number, string, number]> }
>();

function sqliteStatementsOf(db: BetterSqlite3.Database) {
  let s = sqliteStatements.get(db);
  if (!s) sqliteStatements.set(db, (s = { read: db.prepare(SQLITE_READ), set: db.prepare(SQLITE_SET) }));
  return s;
}

function found(row: { last_seq: number | string; chain_head: string } | undefined, orgId: number): LockedOrg {
  if (!row) throw new Error(`no organization with id ${orgId}`);
  return { lastSeq: Number(row.last_seq), chainHead: row.chain_head };
}

/** SQLite, inside a write (IMMEDIATE) transaction of better-sqlite3. */
export function lockOrgSqlite(db: BetterSqlite3.Database, orgId: number): LockedOrg {
  if (!db.inTransaction) throw new Error("the organization lock is taken inside a write transaction");
  return found(sqliteStatementsOf(db).read.get(orgId), orgId);
}

export function setOrgHeadSqlite(db: BetterSqlite3.Database, orgId: number, head: LockedOrg): void {
  sqliteStatementsOf(db).set.run(head.lastSeq, head.chainHead, orgId);
}

/** PostgreSQL, inside a transaction of the client. */
export async function lockOrgPg(client: pg.ClientBase, orgId: number): Promise<LockedOrg> {
  const { rows } = await client.query<{ last_seq: string; chain_head: string }>(PG_LOCK, [orgId]);
  return found(rows[0], orgId);
}

export async function setOrgHeadPg(client: pg.ClientBase, orgId: number, head: LockedOrg): Promise<void> {
  await client.query(PG_SET, [head.lastSeq, head.chainHead, orgId]);
}

/** Through Kysely, inside its transaction (BEGIN IMMEDIATE on SQLite, lib/db/client.ts), on either store. */
export async function lockOrg(trx: Kysely<Database>, dialect: Dialect, orgId: number): Promise<LockedOrg> {
  const query =
    dialect === "postgres"
      ? sql<{ last_seq: number; chain_head: string }>`SELECT last_seq, chain_head FROM organizations WHERE id = ${orgId} FOR NO KEY UPDATE`
      : sql<{ last_seq: number; chain_head: string }>`SELECT last_seq, chain_head FROM organizations WHERE id = ${orgId}`;
  return found((await query.execute(trx)).rows[0], orgId);
}
