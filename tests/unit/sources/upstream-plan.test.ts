import { describe, expect, it } from "vitest";
import { formatDate, parseDate } from "@/lib/audit/timestamp";
import { checkpointName, endpointUrl, parseCheckpoint, planWindows, requestUrl, windowParams } from "@/lib/sources/upstream-plan";

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
