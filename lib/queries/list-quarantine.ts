import type { Store } from "../db/client";

/** A quarantined line (docs/INGEST.md) as the API and the CLI show it. */
export interface QuarantinedLine {
  id: number;
  receivedAt: number;
  source: string;
  origin: string;
  line: number;
  reason: string;
  /** The bytes as received (the first 64 KiB of a longer line). */
  raw: Buffer;
  bytes: number;
  truncated: boolean;
}

export interface QuarantineDay {
  source: string;
  day: number;
  kept: number;
  dropped: number;
}

/** One page of the organization's quarantine, oldest first, after the line `afterId`. */
export async function listQuarantine(store: Store, orgId: number, options: { afterId?: number; limit: number }): Promise<QuarantinedLine[]> {
  const rows = await store.db
    .selectFrom("quarantine")
    .select(["id", "received_at", "source", "origin", "line", "reason", "raw", "bytes"])
    .where("org_id", "=", orgId)
    .where("id", ">", options.afterId ?? 0)
    .orderBy("id")
    .limit(options.limit)
    .execute();
  return rows.map((r) => {
    const raw = Buffer.from(r.raw);
    return {
      id: Number(r.id),
      receivedAt: Number(r.received_at),
      source: r.source,
      origin: r.origin,
      line: Number(r.line),
      reason: r.reason,
      raw,
      bytes: Number(r.bytes),
      truncated: Number(r.bytes) > raw.length,
    };
  });
}

/** Every line of the quarantine, oldest first, a page at a time (flat memory). */
export async function* allQuarantined(store: Store, orgId: number, pageSize = 1000): AsyncGenerator<QuarantinedLine[]> {
  let afterId = 0;
  for (;;) {
    const page = await listQuarantine(store, orgId, { afterId, limit: pageSize });
    if (page.length === 0) return;
    yield page;
    afterId = page[page.length - 1]!.id;
  }
}

export async function countQuarantine(store: Store, orgId: number): Promise<number> {
  const row = await store.db
    .selectFrom("quarantine")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("org_id", "=", orgId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Per source and UTC day of receipt: lines kept and lines only counted past the bounds, newest day first. */
export async function listQuarantineDays(store: Store, orgId: number): Promise<QuarantineDay[]> {
  const rows = await store.db
    .selectFrom("quarantine_days")
    .select(["source", "day", "kept", "dropped"])
    .where("org_id", "=", orgId)
    .orderBy("day", "desc")
    .orderBy("source")
    .execute();
  return rows.map((r) => ({ source: r.source, day: Number(r.day), kept: Number(r.kept), dropped: Number(r.dropped) }));
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** A quarantined line as JSON (API, `quarantine export --json`): the text when it is valid UTF-8, else base64. */
export function quarantinedLineJson(l: QuarantinedLine) {
  let text: string | null = null;
  try {
    text = utf8.decode(l.raw);
  } catch {
    // not UTF-8: given as base64
  }
  return {
    id: l.id,
    receivedAt: new Date(l.receivedAt).toISOString(),
    source: l.source,
    origin: l.origin,
    line: l.line,
    reason: l.reason,
    text,
    ...(text === null ? { base64: l.raw.toString("base64") } : {}),
    bytes: l.bytes,
    truncated: l.truncated,
  };
}
