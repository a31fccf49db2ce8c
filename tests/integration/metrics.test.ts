// GET /metrics: Prometheus text, unknown actions counted, active-user gauges, optional token.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, startServer, type RunningServer } from "../support/server";
import { createTestDatabaseUrl } from "../support/store";

describe("GET /metrics", () => {
  let server: RunningServer;
  let auth: Record<string, string>;

  beforeAll(async () => {
    const databaseUrl = await createTestDatabaseUrl();
    const key = (await runCli(["admin", "create", "ops"], { databaseUrl })).stdout.trim();
    auth = { Authorization: `Basic ${Buffer.from(`ops:${key}`).toString("base64")}` };
    server = await startServer({ databaseUrl, env: { ORGTRAIL_METRICS_TOKEN: "s3cret-token", ORGTRAIL_TODAY: "2026-03-31" } });
    const lines = [
      { action: "user:login", timestamp: "2026-03-31T08:00:00Z", actor_email: "a@x.test" },
      { action: "made:up", timestamp: "2026-03-30T08:00:00Z", actor_email: "b@x.test" },
      { action: "run:update", timestamp: "2026-03-10T08:00:00Z", actor_email: "c@x.test" },
      { action: "run:update", timestamp: "2026-03-31T09:00:00Z", actor_email: "d@x.test", response_code: 403 },
    ];
    const res = await fetch(`${server.baseUrl}/api/v1/ingest`, {
      method: "POST",
      headers: auth,
      body: lines.map((l) => JSON.stringify(l)).join("\n") + "\nnot json\n",
    });
    expect(res.status).toBe(200);
  });
  afterAll(async () => server?.stop());

  it("requires the bearer token when one is configured", async () => {
    expect((await fetch(`${server.baseUrl}/metrics`)).status).toBe(401);
    expect((await fetch(`${server.baseUrl}/metrics`, { headers: { Authorization: "Bearer wrong" } })).status).toBe(401);
  });

  it("counts ingested events by action, unknown ones as unknown_action, and active users", async () => {
    const res = await fetch(`${server.baseUrl}/metrics`, { headers: { Authorization: "Bearer s3cret-token" } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/plain");
    const text = await res.text();
    expect(text).toContain('orgtrail_events_ingested_total{org="default",action="unknown_action"} 1');
    expect(text).toContain('orgtrail_events_ingested_total{org="default",action="user:login"} 1');
    expect(text).toContain('orgtrail_events_rejected_total{org="default",reason="invalid_json"} 1');
    expect(text).toContain('orgtrail_active_users{org="default",window="1d"} 1');
    expect(text).toContain('orgtrail_active_users{org="default",window="7d"} 2');
    expect(text).toContain('orgtrail_active_users{org="default",window="30d"} 3');
    expect(text).toMatch(/^orgtrail_process_cpu_user_seconds_total /m);
    expect(text).not.toContain("x.test");
  });
});
