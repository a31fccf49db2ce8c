// Finding 4 of issue 13: multi-tenant /metrics without a token names no organization.
import { describe, expect, it } from "vitest";
import { withoutLabel } from "@/lib/metrics/redact";

describe("withoutLabel", () => {
  const text = [
    "# HELP orgtrail_active_users Distinct users.",
    "# TYPE orgtrail_active_users gauge",
    'orgtrail_active_users{org="acme",window="1d"} 3',
    'orgtrail_active_users{window="7d",org="globex"} 4',
    "# TYPE orgtrail_events_ingested_total counter",
    'orgtrail_events_ingested_total{action="x,org=\\"acme",kind="a"} 1',
    'orgtrail_job_failures_total{job_name="bucket-export"} 0',
    'orgtrail_http_request_duration_seconds_bucket{le="0.1",method="GET",route="/api/v1/users",status="200"} 5',
    "orgtrail_process_cpu_user_seconds_total 1.5",
  ].join("\n");

  it("drops every sample with the label, wherever it stands, and keeps the rest", () => {
    const out = withoutLabel(text, "org");
    expect(out).not.toContain('acme",window');
    expect(out).not.toContain("globex");
    expect(out).toContain('orgtrail_job_failures_total{job_name="bucket-export"} 0');
    expect(out).toContain("orgtrail_process_cpu_user_seconds_total 1.5");
    expect(out).toContain("# TYPE orgtrail_active_users gauge");
  });

  it("is not fooled by the label's name inside an escaped value", () => {
    expect(withoutLabel(text, "org")).toContain('orgtrail_events_ingested_total{action="x,org=\\"acme",kind="a"} 1');
  });
});
