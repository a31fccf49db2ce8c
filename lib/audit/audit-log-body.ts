import type { AuditLogRow } from "../queries/page-audit-logs";
import { formatTimestamp } from "./timestamp";

const encoder = new TextEncoder();

/** Pulls one chunk at a time from `next`, so a slow client holds no more than one chunk in memory. */
function pullStream(pages: AsyncGenerator<unknown>, next: () => Promise<string | Uint8Array | null>): ReadableStream<Uint8Array> {
  // A client that disconnects cancels the stream while a page may still be on its way:
  // that page is dropped, not enqueued into the closed stream (nor logged as a failure).
  let cancelled = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const chunk = await next();
        if (cancelled) return;
        if (chunk === null) return controller.close();
        if (chunk.length > 0) controller.enqueue(typeof chunk === "string" ? encoder.encode(chunk) : chunk);
      } catch (error) {
        if (cancelled) return;
        console.error("orgtrail: audit log stream failed", error);
        controller.error(error);
      }
    },
    async cancel() {
      cancelled = true;
      await pages.return(undefined);
    },
  });
}

/** A line transform (lib/audit/anonymize.ts lineAnonymizer), or null to return stored lines as they are. */
export type LineTransform = ((body: string) => string) | null;

const lines = (rows: AuditLogRow[], transform: LineTransform) => rows.map((r) => (transform ? transform(r.body) : r.body));

/** SPEC §5: one event per line, oldest first. */
export function ndjsonBody(pages: AsyncGenerator<AuditLogRow[]>, transform: LineTransform): ReadableStream<Uint8Array> {
  return pullStream(pages, async () => {
    const page = await pages.next();
    if (page.done) return null;
    return lines(page.value, transform).join("\n") + "\n";
  });
}

/**
 * SPEC §5 with no line transform: the stored canonical lines as they are, one chunk of bytes per
 * page (lib/queries/stream-audit-logs.ts) handed to the response as it is; nothing is decoded,
 * parsed, re-serialized or copied here.
 */
export function ndjsonBytesBody(chunks: AsyncGenerator<Uint8Array>): ReadableStream<Uint8Array> {
  return pullStream(chunks, async () => {
    const chunk = await chunks.next();
    return chunk.done ? null : chunk.value;
  });
}

export interface EnvelopeOptions {
  transform: LineTransform;
  limit: number;
  fromMs: number;
  toMs: number;
  /** The cursor resuming after this event. */
  cursorAfter(row: AuditLogRow): string;
}

/**
 * `{"audit_logs":[...],"range_start_time","range_end_time","count","next_cursor"}`, streamed:
 * the events come first, so the totals are written once the page is read. `pages` must
 * yield up to limit + 1 rows: the extra one only says that there is a next page.
 */
export function envelopeBody(pages: AsyncGenerator<AuditLogRow[]>, o: EnvelopeOptions): ReadableStream<Uint8Array> {
  let started = false;
  let count = 0;
  let last: AuditLogRow | null = null;
  let more = false;
  let finished = false;
  return pullStream(pages, async () => {
    if (finished) return null;
    if (!started) {
      started = true;
      return '{"audit_logs":[';
    }
    const page = more ? { done: true as const, value: undefined } : await pages.next();
    if (page.done) {
      finished = true;
      const tail = {
        range_start_time: formatTimestamp(o.fromMs),
        range_end_time: formatTimestamp(o.toMs),
        count,
        next_cursor: more && last ? o.cursorAfter(last) : null,
      };
      return "]," + JSON.stringify(tail).slice(1) + "\n";
    }
    const rows = page.value.slice(0, o.limit - count);
    if (rows.length < page.value.length) {
      more = true;
      await pages.return(undefined);
    }
    if (rows.length === 0) return "";
    const text = (count > 0 ? "," : "") + lines(rows, o.transform).join(",");
    count += rows.length;
    last = rows[rows.length - 1]!;
    return text;
  });
}
