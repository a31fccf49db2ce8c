import { AUDIT_LOG_FOLDER } from "./location";

/**
 * Object layout: `wandb-audit-logs/<org>/<YYYY-MM-DD>/<fromSeq>-<toSeq>.ndjson`.
 * The day is the UTC day on which the object's events were ingested (an object never spans
 * two), and the sequence numbers are zero-padded so that key order is sequence order. Both
 * come from the stored events alone, so exporting a range again writes the same key with the
 * same bytes.
 */
const SEQ_DIGITS = 12;
const OBJECT_RE = /^(\d{4}-\d{2}-\d{2})\/(\d{12})-(\d{12})\.ndjson$/;

export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export function padSeq(seq: number): string {
  return String(seq).padStart(SEQ_DIGITS, "0");
}

export function orgFolder(org: string): string {
  return `${AUDIT_LOG_FOLDER}/${org}/`;
}

export function dayFolder(org: string, day: string): string {
  return `${orgFolder(org)}${day}/`;
}

export function objectKey(org: string, day: string, fromSeq: number, toSeq: number): string {
  return `${dayFolder(org, day)}${padSeq(fromSeq)}-${padSeq(toSeq)}.ndjson`;
}

/** The range an exported object holds, from its key relative to its org folder. */
export function parseObjectName(relative: string): { day: string; fromSeq: number; toSeq: number } | null {
  const m = OBJECT_RE.exec(relative);
  if (!m) return null;
  return { day: m[1]!, fromSeq: Number(m[2]), toSeq: Number(m[3]) };
}
