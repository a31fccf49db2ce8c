/**
 * The explorer's CSV export (docs/EXPLORER.md): one column per schema key in the schema's
 * order, a header row, strings double-quoted and formula-safe as in the users CSV (the same
 * cell writers, lib/export/users-csv.ts), numbers bare, an absent key an empty string.
 */
import { SCHEMA_KEYS } from "../audit/schema";
import { bare, quoted } from "./users-csv";

export const EVENTS_CSV_HEADER = SCHEMA_KEYS.map((k) => `"${k}"`).join(",");

/** One stored line (canonical JSON, schema keys only) as a CSV record. */
export function eventToCsvRecord(line: string): string {
  const event = JSON.parse(line) as Record<string, unknown>;
  let out = "";
  for (let i = 0; i < SCHEMA_KEYS.length; i++) {
    const v = event[SCHEMA_KEYS[i]!];
    if (i > 0) out += ",";
    if (typeof v === "number") out += bare(v);
    else if (typeof v === "string") out += quoted(v);
    else if (v === undefined || v === null) out += quoted(null);
    else out += quoted(JSON.stringify(v));
  }
  return out;
}
