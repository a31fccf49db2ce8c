// The Data page's pure rules: job_state rows read generically and split by source and
// organization, the freshness of the newest event against the warning threshold, each
// source's status, and the invite link into the platform.
import { describe, expect, it } from "vitest";
import { assignJobs, formatAge, freshnessView, jobSource, jobView, NO_RUNS, sourceView } from "@/lib/sources/data-status";
import { platformInviteUrl } from "@/lib/sources/platform-links";

const T = Date.parse("2026-03-31T12:00:00Z");
const row = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  checkpoint: null,
  last_run_at: null,
  last_success_at: null,
  last_error: null,
  last_error_at: null,
  consecutive_failures: 0,
  total_failures: 0,
  ...extra,
});

describe("job state, read generically", () => {
  it("turns a row into a view, with a progress JSON column when a job keeps one", () => {
    const v = jobView(row("directory-sync", { last_run_at: T, last_success_at: T - 60_000, consecutive_failures: "2", progress: '{"done":40,"total":100}' }));
    expect(v).toEqual({
      name: "directory-sync",
      lastRunAt: "2026-03-31T12:00:00.000Z",
      lastSuccessAt: "2026-03-31T11:59:00.000Z",
      lastError: null,
      lastErrorAt: null,
      consecutiveFailures: 2,
      totalFailures: 0,
      progress: { done: 40, total: 100 },
    });
    expect(jobView(row("x", { progress: "not json" })).progress).toBeNull();
    expect(jobView(row("x", { progress: "[1,2]" })).progress).toBeNull();
  });

  it("reads a pull checkpoint's day as its progress", () => {
    expect(jobView(row("upstream-pull:acme:0123456789abcdef", { checkpoint: '{"v":1,"nextDay":"2026-03-30"}' })).progress).toEqual({
      completeBefore: "2026-03-30",
    });
    expect(jobView(row("bucket-export", { checkpoint: '{"1":42}' })).progress).toBeNull();
  });

  it("assigns jobs to sources, and leaves out rows that name another organization", () => {
    expect(jobSource("upstream-pull", "acme")).toEqual({ source: "pull", mine: true });
    expect(jobSource("upstream-pull:acme:abc", "acme")).toEqual({ source: "pull", mine: true });
    expect(jobSource("upstream-pull:other:abc", "acme")).toEqual({ source: "pull", mine: false });
    expect(jobSource("bucket-source", "acme").source).toBe("bucket");
    expect(jobSource("directory-sync", "acme").source).toBe("directory");
    expect(jobSource("scim-sync:acme", "acme")).toEqual({ source: "directory", mine: true });
    expect(jobSource("bucket-export", "acme").source).toBeNull();
    const { bySource, other } = assignJobs(
      [
        row("bucket-export"),
        row("bucket-source"),
        row("checkpoints"),
        row("directory-sync"),
        row("upstream-pull"),
        row("upstream-pull:acme:a"),
        row("upstream-pull:demo:b"),
      ],
      "acme",
    );
    expect(bySource.pull!.map((j) => j.name)).toEqual(["upstream-pull", "upstream-pull:acme:a"]);
    expect(bySource.bucket!.map((j) => j.name)).toEqual(["bucket-source"]);
    expect(bySource.directory!.map((j) => j.name)).toEqual(["directory-sync"]);
    expect(other.map((j) => j.name)).toEqual(["bucket-export", "checkpoints"]);
  });
});

describe("freshness", () => {
  it("is the age of the newest event's timestamp, stale past the threshold", () => {
    const fresh = freshnessView({ newestEventTs: T - 30 * 60_000, lastReceivedAt: T - 1000, eventsStored: 5 }, T, 60);
    expect(fresh).toMatchObject({
      newestEventAt: "2026-03-31T11:30:00.000Z",
      lastReceivedAt: "2026-03-31T11:59:59.000Z",
      ageSeconds: 1800,
      stale: false,
      eventsStored: 5,
    });
    expect(freshnessView({ newestEventTs: T - 60 * 60_000, lastReceivedAt: T, eventsStored: 5 }, T, 60).stale).toBe(false);
    expect(freshnessView({ newestEventTs: T - 60 * 60_000 - 1000, lastReceivedAt: T, eventsStored: 5 }, T, 60).stale).toBe(true);
  });
  it("is never negative (an event from the near future), and not stale when there are no events", () => {
    expect(freshnessView({ newestEventTs: T + 5000, lastReceivedAt: T, eventsStored: 1 }, T, 60).ageSeconds).toBe(0);
    expect(freshnessView({ newestEventTs: null, lastReceivedAt: null, eventsStored: 0 }, T, 60)).toMatchObject({
      ageSeconds: null,
      stale: false,
      newestEventAt: null,
    });
  });
  it("reads ages in the largest unit that reads well", () => {
    expect(formatAge(30)).toBe("less than a minute");
    expect(formatAge(60)).toBe("1 minute");
    expect(formatAge(119 * 60)).toBe("119 minutes");
    expect(formatAge(120 * 60)).toBe("2 hours");
    expect(formatAge(47 * 3600)).toBe("47 hours");
    expect(formatAge(48 * 3600)).toBe("2 days");
  });
});

describe("a source's status", () => {
  const setup = { configured: true, text: "set up" };
  it("is off when not set up and never used, idle when set up but never run", () => {
    expect(sourceView("pull", "Pull", { configured: false, text: "" }, NO_RUNS, [], T).status).toBe("off");
    expect(sourceView("pull", "Pull", setup, NO_RUNS, [], T).status).toBe("idle");
  });
  it("runs from its runs, with the lag since its last new data", () => {
    const v = sourceView(
      "browser",
      "Browser",
      setup,
      { ...NO_RUNS, lastRunAt: T - 1000, lastDataAt: T - 90_000, runs30d: 2, latest: { at: T - 1000, error: null } },
      [],
      T,
    );
    expect(v).toMatchObject({ status: "ok", lastRunAt: "2026-03-31T11:59:59.000Z", lastDataAt: "2026-03-31T11:58:30.000Z", lagSeconds: 90, lastError: null });
  });
  it("fails when its latest run failed, or its job fails, showing the newer error", () => {
    const failedRun = sourceView("api", "API", setup, { ...NO_RUNS, lastRunAt: T, latest: { at: T, error: "request body is larger than 10 bytes" } }, [], T);
    expect(failedRun.status).toBe("failing");
    expect(failedRun.lastError).toEqual({ at: "2026-03-31T12:00:00.000Z", message: "request body is larger than 10 bytes" });
    const job = jobView(row("upstream-pull", { last_run_at: T, last_error: "401 from upstream", last_error_at: T, consecutive_failures: 3 }));
    const failingJob = sourceView(
      "pull",
      "Pull",
      setup,
      { ...NO_RUNS, lastRunAt: T - 3600_000, lastDataAt: T - 3600_000, latest: { at: T - 3600_000, error: null } },
      [job],
      T,
    );
    expect(failingJob).toMatchObject({
      status: "failing",
      lastRunAt: "2026-03-31T12:00:00.000Z",
      lagSeconds: 3600,
      lastError: { message: "401 from upstream" },
    });
    const recovered = jobView(row("upstream-pull", { last_run_at: T, last_error: "old", last_error_at: T - 9999, consecutive_failures: 0 }));
    expect(sourceView("pull", "Pull", setup, NO_RUNS, [recovered], T).status).toBe("ok");
  });
});

describe("invite link into the platform", () => {
  it("is the platform's Organization Dashboard (its Users tab has the platform's own Invite button)", () => {
    expect(platformInviteUrl("https://acme.wandb.io", "default", "default", "self-managed")).toBe("https://acme.wandb.io/org/dashboard/");
    expect(platformInviteUrl("https://acme.wandb.io/admin/audit_logs", "default", "default", "dedicated")).toBe("https://acme.wandb.io/org/dashboard/");
    expect(platformInviteUrl("http://10.0.0.5:8080/wandb/admin/audit_logs/?x=1#y", "acme", "acme", "self-managed")).toBe(
      "http://10.0.0.5:8080/wandb/org/dashboard/",
    );
  });
  it("is absent when the upstream is unknown, feeds another organization, or in multi-tenant mode", () => {
    expect(platformInviteUrl(undefined, "default", "default", "self-managed")).toBeNull();
    expect(platformInviteUrl("https://acme.wandb.io", "default", "demo", "self-managed")).toBeNull();
    expect(platformInviteUrl("https://acme.wandb.io", "default", "default", "multi-tenant")).toBeNull();
    expect(platformInviteUrl("javascript:alert(1)", "default", "default", "self-managed")).toBeNull();
  });
});
