/**
 * Strict RFC3339 date-time parsing. `Date.parse` accepts `2024-02-30`, missing offsets and
 * free text, so the grammar is checked here by hand.
 */
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|([+-])(\d{2}):(\d{2}))$/;

const DAY_MS = 86_400_000;

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  if (month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)) return 29;
  return MONTH_DAYS[month - 1]!;
}

/** `ms`: epoch milliseconds; `iso`: the normalized form `YYYY-MM-DDTHH:MM:SS.sssZ`. */
export type ParsedTimestamp = { ok: true; ms: number; iso: string } | { ok: false; error: string };

/** The digit at `i` of `s`, or -1. */
function digit(s: string, i: number): number {
  const c = s.charCodeAt(i) - 48;
  return c >= 0 && c <= 9 ? c : -1;
}

/**
 * The normalized form itself (`YYYY-MM-DDTHH:MM:SS.sssZ`, what platforms emit and what the
 * store keeps) read without the regular expression: this runs once per ingested event.
 * Anything else, or anything out of range, goes to the general path (and its error message).
 */
function parseNormalized(input: string): ParsedTimestamp | null {
  if (input.length !== 24) return null;
  if (input.charCodeAt(4) !== 45 || input.charCodeAt(7) !== 45 || input.charCodeAt(10) !== 84 || input.charCodeAt(13) !== 58) return null;
  if (input.charCodeAt(16) !== 58 || input.charCodeAt(19) !== 46 || input.charCodeAt(23) !== 90) return null;
  const d = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18, 20, 21, 22].map((i) => digit(input, i));
  if (d.includes(-1)) return null;
  const year = d[0]! * 1000 + d[1]! * 100 + d[2]! * 10 + d[3]!;
  const month = d[4]! * 10 + d[5]!;
  const day = d[6]! * 10 + d[7]!;
  const hour = d[8]! * 10 + d[9]!;
  const minute = d[10]! * 10 + d[11]!;
  const second = d[12]! * 10 + d[13]!;
  const fraction = d[14]! * 100 + d[15]! * 10 + d[16]!;
  if (year < 1000 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 59) return null;
  return { ok: true, ms: Date.UTC(year, month - 1, day, hour, minute, second, fraction), iso: input };
}

/** Parses an RFC3339 timestamp to epoch milliseconds (UTC). Sub-millisecond digits are truncated. */
export function parseRfc3339(input: string): ParsedTimestamp {
  const fast = parseNormalized(input);
  if (fast) return fast;
  const m = RFC3339.exec(input);
  if (!m) return { ok: false, error: `not an RFC3339 timestamp: ${JSON.stringify(input.slice(0, 64))}` };
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  if (month < 1 || month > 12) return { ok: false, error: `month out of range in ${JSON.stringify(input)}` };
  if (day < 1 || day > daysInMonth(year, month)) return { ok: false, error: `day out of range in ${JSON.stringify(input)}` };
  // RFC3339 allows second 60 (leap second); JavaScript time has none, so it is refused rather than shifted.
  if (hour > 23 || minute > 59 || second > 59) return { ok: false, error: `time out of range in ${JSON.stringify(input)}` };
  const fraction = m[7] ? Number((m[7].slice(1) + "00").slice(0, 3)) : 0;
  let offsetMinutes = 0;
  if (m[9]) {
    const oh = Number(m[10]);
    const om = Number(m[11]);
    if (oh > 23 || om > 59) return { ok: false, error: `offset out of range in ${JSON.stringify(input)}` };
    offsetMinutes = (oh * 60 + om) * (m[9] === "-" ? -1 : 1);
  }
  const ms = Date.UTC(year, month - 1, day, hour, minute, second, fraction) - offsetMinutes * 60_000;
  if (!Number.isFinite(ms)) return { ok: false, error: `timestamp out of range: ${JSON.stringify(input)}` };
  // Already UTC: the normalized text is a rearrangement of the input (no Date formatting).
  const iso =
    offsetMinutes === 0 && !m[9] && year >= 1000
      ? `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}.${String(fraction).padStart(3, "0")}Z`
      : formatTimestamp(ms);
  return { ok: true, ms, iso };
}

/** `2026-03-31T01:30:00.000Z`: the one normalized form of a stored timestamp. */
export function formatTimestamp(ms: number): string {
  return new Date(ms).toISOString();
}

/** Days since 1970-01-01 (UTC) of an epoch-millisecond time. */
export function dayNumber(ms: number): number {
  return Math.floor(ms / DAY_MS);
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Parses a strict `YYYY-MM-DD` calendar date to its day number, or null when malformed. */
export function parseDate(input: string): number | null {
  const m = DATE_RE.exec(input);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return null;
  return Date.UTC(y, mo - 1, d) / DAY_MS;
}

export function formatDate(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

export function dayStartMs(day: number): number {
  return day * DAY_MS;
}

export function todayDay(now: number = Date.now()): number {
  return dayNumber(now);
}
