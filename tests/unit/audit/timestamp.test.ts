import { describe, expect, it } from "vitest";
import { formatDate, formatTimestamp, parseDate, parseRfc3339 } from "@/lib/audit/timestamp";

const ms = (s: string) => {
  const r = parseRfc3339(s);
  if (!r.ok) throw new Error(r.error);
  return formatTimestamp(r.ms);
};

describe("parseRfc3339", () => {
  it("normalizes offsets to UTC, crossing midnight", () => {
    expect(ms("2026-03-30T23:30:00-02:00")).toBe("2026-03-31T01:30:00.000Z");
    expect(ms("2026-01-01T00:30:00+05:30")).toBe("2025-12-31T19:00:00.000Z");
    expect(ms("2023-01-23T12:34:56Z")).toBe("2023-01-23T12:34:56.000Z");
    expect(ms("2023-01-23t12:34:56z")).toBe("2023-01-23T12:34:56.000Z");
  });

  it("keeps milliseconds and truncates finer digits", () => {
    expect(ms("2024-02-29T10:00:00.5Z")).toBe("2024-02-29T10:00:00.500Z");
    expect(ms("2024-02-29T10:00:00.123Z")).toBe("2024-02-29T10:00:00.123Z");
    expect(ms("2024-02-29T10:00:00.123999999Z")).toBe("2024-02-29T10:00:00.123Z");
  });

  it.each([
    ["2024-02-30T00:00:00Z", "day out of range"],
    ["2023-02-29T00:00:00Z", "day out of range"],
    ["2024-13-01T00:00:00Z", "month out of range"],
    ["2024-01-01T24:00:00Z", "time out of range"],
    ["2024-01-01T23:60:00Z", "time out of range"],
    ["2024-01-01T23:59:60Z", "time out of range"],
    ["2024-01-01T00:00:00", "not an RFC3339"],
    ["2024-01-01", "not an RFC3339"],
    ["yesterday", "not an RFC3339"],
    ["2024-01-01T00:00:00+0100", "not an RFC3339"],
    ["2024-01-01T00:00:00+24:00", "offset out of range"],
    [" 2024-01-01T00:00:00Z", "not an RFC3339"],
  ])("refuses %s", (input, message) => {
    const r = parseRfc3339(input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toContain(message);
  });
});

describe("parseRfc3339 on the normalized form (read without the regular expression)", () => {
  it("gives back the same time and the input itself as the normalized text, for random times from 1000 to 9999", () => {
    let state = 12345;
    const next = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const lo = Date.UTC(1000, 0, 1);
    const hi = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
    for (let i = 0; i < 20_000; i++) {
      const t = Math.floor(lo + next() * (hi - lo));
      const text = new Date(t).toISOString();
      expect(parseRfc3339(text)).toEqual({ ok: true, ms: t, iso: text });
    }
  });

  it("agrees with the general grammar on edge dates", () => {
    for (const text of [
      "2024-02-29T23:59:59.999Z",
      "2000-02-29T00:00:00.000Z",
      "1970-01-01T00:00:00.000Z",
      "1000-01-01T00:00:00.000Z",
      "9999-12-31T23:59:59.999Z",
    ])
      expect(parseRfc3339(text)).toEqual({ ok: true, ms: Date.parse(text), iso: text });
  });

  it.each([
    ["1900-02-29T00:00:00.000Z", "day out of range"],
    ["2100-02-29T00:00:00.000Z", "day out of range"],
    ["2023-04-31T00:00:00.000Z", "day out of range"],
    ["2023-00-10T00:00:00.000Z", "month out of range"],
    ["2023-01-00T00:00:00.000Z", "day out of range"],
    ["2023-01-01T24:00:00.000Z", "time out of range"],
    ["2023-01-01T00:60:00.000Z", "time out of range"],
    ["2023-01-01T00:00:60.000Z", "time out of range"],
    ["2023-01-01T00:00:0a.000Z", "not an RFC3339"],
    ["2023-01-01T00:00:00.00aZ", "not an RFC3339"],
    ["2023-01-01X00:00:00.000Z", "not an RFC3339"],
    ["2023/01/01T00:00:00.000Z", "not an RFC3339"],
    ["2023-01-01T00:00:00,000Z", "not an RFC3339"],
  ])("refuses %s with the general path's message", (input, message) => {
    const r = parseRfc3339(input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toContain(message);
  });

  it("still normalizes near-misses of the form through the general path", () => {
    expect(parseRfc3339("2023-01-23T12:34:56.000z")).toEqual({ ok: true, ms: Date.UTC(2023, 0, 23, 12, 34, 56), iso: "2023-01-23T12:34:56.000Z" });
    expect(parseRfc3339("0999-12-31T23:59:59.999Z")).toEqual({
      ok: true,
      ms: Date.UTC(999, 11, 31, 23, 59, 59, 999),
      iso: new Date(Date.UTC(999, 11, 31, 23, 59, 59, 999)).toISOString(),
    });
  });
});

describe("parseDate", () => {
  it("accepts real calendar dates only", () => {
    expect(formatDate(parseDate("2024-02-29")!)).toBe("2024-02-29");
    expect(parseDate("2023-02-29")).toBeNull();
    expect(parseDate("2024-1-01")).toBeNull();
    expect(parseDate("2024-01-01T00:00:00Z")).toBeNull();
    expect(parseDate("")).toBeNull();
  });
});
