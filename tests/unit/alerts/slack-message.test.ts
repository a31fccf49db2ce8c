import { describe, expect, it } from "vitest";
import {
  actionAlertMessage,
  code,
  digestListBlock,
  escapeSlackText,
  eventDetails,
  inactiveDigestMessage,
  jobFailureMessage,
  redactSecrets,
  SEAT_LIST_MAX,
  seatListPreviewMessage,
} from "@/lib/alerts/slack-message";
import { seatsDigestLists } from "@/lib/alerts/seats-digest";

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

  it("hostile values (HTML, mentions, ANSI escapes, U+2028, control characters, bidi overrides) stay inert text", () => {
    const hostile = JSON.stringify({
      action: "user:login",
      actor_email: "<img src=x onerror=alert(1)>@evil.test",
      user_email: "\u001b[31mred\u001b[0m@x.test",
      entity_name: "a\u2028b\u2029c\u0000d\u0007e\u202eevil <!here> <@U123|x> <!subteam^S1> & <https://evil.test|click>",
      project_name: "line1\nline2\r\n`code`",
      timestamp: "2026-03-01T10:00:00.000Z",
    });
    const m = actionAlertMessage("default", eventDetails(hostile));
    const texts = [
      m.text,
      ...m.blocks.flatMap((b) =>
        ("fields" in b && b.fields ? b.fields : "text" in b && b.text ? [b.text] : "elements" in b ? b.elements : []).map((t) => t.text),
      ),
    ];
    const all = texts.join("\n");
    // Every Slack control sequence is escaped: nothing pings, links or renders as markup.
    for (const raw of ["<img", "<!here>", "<@U123", "<!subteam", "<https://", " & "]) expect(all).not.toContain(raw);
    expect(all).toContain("&lt;img src=x onerror=alert(1)&gt;@evil.test");
    expect(all).toContain("&lt;!here&gt; &lt;@U123|x&gt; &lt;!subteam^S1&gt; &amp; &lt;https://evil.test|click&gt;");
    // No control character, separator or bidi override reaches Slack; each value stays on one line.
    for (const t of texts) expect(t).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f\u2028\u2029\u202a-\u202e]/);
    for (const t of texts) for (const span of t.match(/`[^`]*`/g) ?? []) expect(span).not.toContain("\n");
    expect(all).toContain("`[31mred [0m@x.test`");
    expect(all).toContain("`line1 line2 ˋcodeˋ`");
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

  it("the digest reports each dormant-seats list with its count, its first users and how many more", () => {
    const many = Array.from({ length: SEAT_LIST_MAX + 3 }, (_, i) => ({ email: `u${i}@x`, username: null, note: null }));
    const block = digestListBlock({ title: "Inactive for more than 90 days", users: many });
    const text = block.type === "section" ? block.text!.text : "";
    expect(text.split("\n")[0]).toBe(`*Inactive for more than 90 days:* ${SEAT_LIST_MAX + 3} users`);
    expect(text).toContain("`u0@x`");
    expect(text).not.toContain(`u${SEAT_LIST_MAX}@x`);
    expect(text).toContain("…and 3 more (see the Seats tab)");

    const lists = seatsDigestLists(
      [
        { name: null, username: "old", email: "<!here>@x", teams: [], status: "inactive", lastActive: "2025-01-02T00:00:00.000Z", addedAt: null },
        { name: null, username: null, email: "gone@x", teams: ["nlp"], status: "deactivated", lastActive: null, addedAt: null },
      ],
      "2026-03-29",
      90,
    );
    expect(lists.map((l) => [l.title, l.users.length])).toEqual([
      ["Inactive for more than 90 days", 1],
      ["Invites pending for more than 30 days", 0],
      ["Deactivated users still on teams", 1],
    ]);
    const digest = inactiveDigestMessage("default", "2026-03-23", "2026-03-29", [], lists);
    const all = JSON.stringify(digest);
    expect(all).toContain("Dormant seats");
    expect(all).toContain("&lt;!here&gt;@x");
    expect(all).not.toContain("<!here>");
    expect(all).toContain("last active 2025-01-02");
    expect(all).toContain("teams nlp");
    const preview = seatListPreviewMessage("default", "2026-03-29", lists[2]!);
    expect(preview.blocks.map((b) => b.type)).toEqual(["section", "section", "context"]);
    expect(JSON.stringify(preview)).toContain("*Deactivated users still on teams:* 1 user");
  });
});
