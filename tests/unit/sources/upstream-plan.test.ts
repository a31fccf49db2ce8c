import { describe, expect, it } from "vitest";
import { formatDate, parseDate } from "@/lib/audit/timestamp";
import {
  bisectEarliest,
  checkpointName,
  endpointUrl,
  MULTI_TENANT_HISTORY_START,
  parseCheckpoint,
  planWindows,
  probeWindows,
  requestUrl,
  splitWindow,
  windowParams,
  type DayWindow,
} from "@/lib/sources/upstream-plan";

const d = (s: string) => parseDate(s)!;
const show = (ws: { first: number; last: number }[]) => ws.map((w) => `${formatDate(w.first)}..${formatDate(w.last)}`);

describe("upstream windows", () => {
  it("covers the days from `from` to today in windows of at most 8 days (numDays ≤ 7)", () => {
    const ws = planWindows(d("2026-03-01"), d("2026-03-20"));
    expect(show(ws)).toEqual(["2026-03-01..2026-03-08", "2026-03-09..2026-03-16", "2026-03-17..2026-03-20"]);
    for (const w of ws) expect(windowParams(w).numDays).toBeLessThanOrEqual(7);
    expect(windowParams(ws[0]!)).toEqual({ startDate: "2026-03-08", numDays: 7 });
  });
  it("is today alone when the checkpoint is today, and empty past today", () => {
    expect(show(planWindows(d("2026-03-20"), d("2026-03-20")))).toEqual(["2026-03-20..2026-03-20"]);
    expect(planWindows(d("2026-03-21"), d("2026-03-20"))).toEqual([]);
  });
});

describe("upstream URL", () => {
  it("appends /admin/audit_logs to a base URL and keeps a full endpoint", () => {
    expect(endpointUrl("http://127.0.0.1:3000").toString()).toBe("http://127.0.0.1:3000/admin/audit_logs");
    expect(endpointUrl("https://wandb.example.com/prefix/").toString()).toBe("https://wandb.example.com/prefix/admin/audit_logs");
    expect(endpointUrl("https://wandb.example.com/admin/audit_logs").toString()).toBe("https://wandb.example.com/admin/audit_logs");
  });
  it("refuses other schemes and credentials in the URL", () => {
    expect(() => endpointUrl("ftp://x")).toThrow(/http or https/);
    expect(() => endpointUrl("http://u:p@x")).toThrow(/credentials/);
    expect(() => endpointUrl("not a url")).toThrow(/invalid upstream URL/);
  });
  it("builds the request of a window and page", () => {
    const url = requestUrl(endpointUrl("http://h"), { first: d("2026-03-01"), last: d("2026-03-08") }, 500, "c.d");
    expect(url).toBe("http://h/admin/audit_logs?startDate=2026-03-08&numDays=7&limit=500&cursor=c.d");
  });
  it("names one checkpoint per upstream account and organization", () => {
    const a = checkpointName(endpointUrl("http://h"), "u", "default");
    expect(a).toMatch(/^upstream-pull:default:[0-9a-f]{16}$/);
    expect(checkpointName(endpointUrl("http://h/admin/audit_logs"), "u", "default")).toBe(a);
    expect(checkpointName(endpointUrl("http://h"), "v", "default")).not.toBe(a);
    expect(checkpointName(endpointUrl("http://h"), "u", "acme")).not.toBe(a);
  });
});

describe("pull checkpoint", () => {
  it("reads what the puller writes, and ignores anything else", () => {
    expect(parseCheckpoint('{"v":1,"nextDay":"2026-03-01"}')).toEqual({ v: 1, nextDay: "2026-03-01" });
    const page = { startDate: "2026-03-08", numDays: 7, cursor: "a.b" };
    expect(parseCheckpoint(JSON.stringify({ v: 1, nextDay: "2026-03-01", page }))).toEqual({ v: 1, nextDay: "2026-03-01", page });
    for (const bad of [null, "", "{", '{"v":2,"nextDay":"2026-03-01"}', '{"v":1,"nextDay":"2026-02-30"}']) expect(parseCheckpoint(bad)).toBeNull();
  });
});

describe("probeWindows", () => {
  it("goes back from today in windows twice as long as the one before, down to the floor, covering every day once", () => {
    const today = d("2026-02-28");
    const ws = probeWindows(today, d("2025-01-01"));
    expect(show(ws)).toEqual([
      "2026-02-21..2026-02-28", // 8 days
      "2026-02-05..2026-02-20", // 16
      "2026-01-04..2026-02-04", // 32
      "2025-11-01..2026-01-03", // 64
      "2025-06-26..2025-10-31", // 128
      "2025-01-01..2025-06-25", // 256, cut at the floor
    ]);
    for (let i = 1; i < ws.length; i++) expect(ws[i]!.last).toBe(ws[i - 1]!.first - 1);
  });

  it("reaches 1970 from 2026 in a handful of requests", () => {
    const ws = probeWindows(d("2026-02-28"));
    expect(ws.length).toBeLessThanOrEqual(13);
    expect(ws.at(-1)!.first).toBe(0);
  });
});

describe("splitWindow and bisectEarliest", () => {
  it("splits with the older half first", () => {
    expect(splitWindow({ first: 10, last: 19 })).toEqual([
      { first: 10, last: 14 },
      { first: 15, last: 19 },
    ]);
    expect(splitWindow({ first: 10, last: 20 })).toEqual([
      { first: 10, last: 15 },
      { first: 16, last: 20 },
    ]);
  });

  it.each([0, 1, 7, 8, 500, 1023, 1024, 2047])("narrows a window to at most 8 days that hold the earliest event (day +%i)", async (offset) => {
    const w = { first: 1000, last: 1000 + 2047 };
    const earliest = w.first + offset;
    const asked: DayWindow[] = [];
    const found = await bisectEarliest(w, async (q) => {
      asked.push(q);
      return q.last >= earliest; // every day from `earliest` on may hold events; none before
    });
    expect(found.last - found.first + 1).toBeLessThanOrEqual(8);
    expect(earliest).toBeGreaterThanOrEqual(found.first);
    expect(earliest).toBeLessThanOrEqual(found.last);
    expect(asked.length).toBe(8); // log2(2048 / 8)
  });
});

describe("planWindows from a found start", () => {
  it("walks forward in windows of at most 8 days to today", () => {
    const ws = planWindows(d("2024-02-26"), d("2026-02-28"));
    expect(ws[0]).toEqual({ first: d("2024-02-26"), last: d("2024-03-04") });
    expect(ws.at(-1)!.last).toBe(d("2026-02-28"));
    expect(ws.every((w) => w.last - w.first <= 7)).toBe(true);
    expect(ws).toHaveLength(Math.ceil((d("2026-02-28") - d("2024-02-26") + 1) / 8));
  });

  it("starts multi-tenant histories on 2025-05-08", () => {
    expect(formatDate(MULTI_TENANT_HISTORY_START)).toBe("2025-05-08");
  });
});

describe("parseCheckpoint", () => {
  it("keeps the history's first day, and drops an unreadable one", () => {
    expect(parseCheckpoint('{"v":1,"nextDay":"2026-01-01","firstDay":"2024-02-26"}')).toEqual({ v: 1, nextDay: "2026-01-01", firstDay: "2024-02-26" });
    expect(parseCheckpoint('{"v":1,"nextDay":"2026-01-01","firstDay":"soon"}')).toEqual({ v: 1, nextDay: "2026-01-01" });
    expect(parseCheckpoint('{"v":1,"nextDay":"2026-01-01","page":{"startDate":"2026-01-08","numDays":7,"cursor":"a.b"},"firstDay":"2025-01-01"}')).toEqual({
      v: 1,
      nextDay: "2026-01-01",
      page: { startDate: "2026-01-08", numDays: 7, cursor: "a.b" },
      firstDay: "2025-01-01",
    });
  });
});
