import type { Store } from "../db/client";

export interface AuditLogWindow {
  orgId: number;
  /** Inclusive lower bound (epoch ms). */
  fromMs: number;
  /** Exclusive upper bound (epoch ms). */
  toMs: number;
}

const PAGE = 5000;

/**
 * Yields stored event lines oldest first (timestamp, then ingest sequence). Keyset pages keep
 * memory flat whatever the window and never hold a connection while the client reads.
 */
export async function* streamAuditLogBodies(store: Store, w: AuditLogWindow, pageSize = PAGE): AsyncGenerator<string[]> {
  let after: { ts: number; seq: number } | null = null;
  for (;;) {
    const cursor: { ts: number; seq: number } | null = after;
    const rows: { ts: number; seq: number; body: string }[] = await store.db
      .selectFrom("events")
      .select(["ts", "seq", "body"])
      .where("org_id", "=", w.orgId)
      .where("ts", "<", w.toMs)
      .$if(cursor === null, (qb) => qb.where("ts", ">=", w.fromMs))
      .$if(cursor !== null, (qb) =>
        qb.where((eb) => eb(eb.refTuple("ts", "seq"), ">", eb.tuple(cursor!.ts, cursor!.seq))),
      )
      .orderBy("ts")
      .orderBy("seq")
      .limit(pageSize)
      .execute();
    if (rows.length === 0) return;
    yield rows.map((r) => r.body);
    if (rows.length < pageSize) return;
    const last = rows[rows.length - 1]!;
    after = { ts: Number(last.ts), seq: Number(last.seq) };
  }
}
