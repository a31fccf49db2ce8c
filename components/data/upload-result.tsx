"use client";

import { formatNumber } from "@/components/format";
import type { RejectedLine } from "@/lib/sources/data-views";

export interface UploadOutcome {
  kind: "events" | "users";
  /** HTTP status; 0 when the request never got an answer. */
  status: number;
  body: unknown;
}

interface Answer {
  accepted?: number;
  duplicates?: number;
  skipped?: number;
  created?: number;
  updated?: number;
  format?: string;
  rejected?: RejectedLine[];
  rejectedTotal?: number;
  error?: { code?: string; message?: string };
}

/** Lines listed on the page at most; the rest are counted (the CLI prints every one). */
const SHOWN = 100;

const plural = (n: number, one: string, many = `${one}s`) => `${formatNumber(n)} ${n === 1 ? one : many}`;

/** The server's answer to an upload: counts, then each rejected line by number. */
export function UploadResult({ outcome }: { outcome: UploadOutcome }) {
  const a = (outcome.body ?? {}) as Answer;
  const rejected = Array.isArray(a.rejected) ? a.rejected : [];
  const rejectedTotal = a.rejectedTotal ?? rejected.length;
  const failed = outcome.status !== 200;
  const parts: string[] = [];
  if (outcome.kind === "events") {
    if (a.accepted !== undefined) parts.push(`${plural(a.accepted, "event")} stored`);
    if (a.duplicates !== undefined) parts.push(`${plural(a.duplicates, "duplicate")} skipped`);
    if (a.skipped) parts.push(`${plural(a.skipped, "event")} not collected (multi-tenant report:read)`);
  } else {
    if (a.created !== undefined) parts.push(`${plural(a.created, "user")} created`);
    if (a.updated !== undefined) parts.push(`${plural(a.updated, "user")} updated`);
  }
  if (!failed || rejectedTotal > 0) parts.push(`${plural(rejectedTotal, outcome.kind === "events" ? "line" : "row")} rejected`);
  return (
    <div role={failed ? "alert" : "status"} className={`mt-3 rounded-md p-3 text-sm ${failed ? "bg-red-50 text-red-900" : rejectedTotal > 0 ? "bg-amber-50 text-amber-950" : "bg-emerald-50 text-emerald-950"}`}>
      {failed && <p className="font-medium">Upload failed{a.error?.message ? `: ${a.error.message}` : outcome.status ? ` (HTTP ${outcome.status})` : ""}</p>}
      {parts.length > 0 && <p data-testid="upload-summary">{parts.join(" · ")}</p>}
      {rejected.length > 0 && (
        <div className="mt-2">
          <p className="font-medium">Rejected {outcome.kind === "events" ? "lines" : "rows"} (the others were stored):</p>
          <ul aria-label="Rejected lines" className="mt-1 max-h-48 list-none space-y-0.5 overflow-y-auto font-mono text-xs">
            {rejected.slice(0, SHOWN).map((r) => (
              <li key={r.line}>
                Line {r.line}: {r.error}
              </li>
            ))}
          </ul>
          {rejectedTotal > Math.min(rejected.length, SHOWN) && <p className="mt-1 text-xs">…and {formatNumber(rejectedTotal - Math.min(rejected.length, SHOWN))} more; npx orgtrail ingest prints every one.</p>}
        </div>
      )}
    </div>
  );
}
