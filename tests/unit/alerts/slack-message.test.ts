import { describe, expect, it } from "vitest";
import { actionAlertMessage, code, escapeSlackText, eventDetails, inactiveDigestMessage, jobFailureMessage, redactSecrets } from "@/lib/alerts/slack-message";

describe("escaping for Slack", () => {
  it("escapes &, < and > (and only those)", () => {
    expect(escapeSlackText("a & b <!channel> <@U123> <http://x|y> > ok")).toBe("a &amp; b &lt;!channel&gt; &lt;@U123&gt; &lt;http://x|y&gt; &gt; ok");
    expect(escapeSlackText("&amp;")).toBe("&amp;amp;");
    expect(escapeSlackText("plain *bold* _it_")).toBe("plain *bold* _it_");
  });

  it("shows untrusted values as one-line inline code that cannot be closed early", () => {
    expect(code("x`*bold*`\n<!here>")).toBe("`xˋ*bold*ˋ &lt;!here&gt;`");
    expect(code("")).toBe("_(empty)_");
    expect(code("a".repeat(300)).length).toBeLessThanOrEqual(202);
  });
});

describe("messages", () => {
  const body = JSON.stringify({
    action: "user:create_api_key",
    actor_email: "<!channel>@evil.test",
    actor_ip: "10.0.0.1",
    entity_name: "<@U123> *team*",
    response_code: 200,
    timestamp: "2026-03-01T10:00:00.000Z",
  });

  it("an action alert is compact Block Kit with every event value escaped", () => {
    const m = actionAlertMessage("default", eventDetails(body));
    const json = JSON.stringify(m);
    expect(json).not.toContain("<!channel>");
    expect(json).not.toContain("<@U123>");
    expect(json).toContain("&lt;!channel&gt;@evil.test");
    expect(m.blocks.map((b) => b.type)).toEqual(["section", "section", "context"]);
    const fields = (m.blocks[1] as { fields: { text: string }[] }).fields.map((f) => f.text);
    expect(fields).toContain("*Team*\n`&lt;@U123&gt; *team*`");
    expect(fields).toContain("*Response*\n`200`");
    expect(m.text).toContain("`user:create_api_key`");
  });

  it("a job failure and a digest escape their text too", () => {
    expect(JSON.stringify(jobFailureMessage("default", "pull", "boom <!everyone>", 3))).toContain("boom &lt;!everyone&gt;");
    const digest = inactiveDigestMessage("default", "2026-03-23", "2026-03-29", [{ email: "<b>@x", username: null, lastActive: "2025-09-25T10:00:00.000Z" }]);
    expect(JSON.stringify(digest)).toContain("&lt;b&gt;@x");
    expect(digest.text).toContain("1 user went inactive");
  });

  it("redacts credentials from job errors", () => {
    expect(redactSecrets("GET https://user:pw@host/x?token=abc&y=1 failed, xoxb-123-abc, https://hooks.slack.com/services/T/B/X")).toBe(
      "GET https://***@host/x?token=***&y=1 failed, xox*-***, https://hooks.slack.com/services/***",
    );
  });
});
