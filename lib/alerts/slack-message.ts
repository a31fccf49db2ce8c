/**
 * Block Kit messages of the alerts. Every value that comes from an event, a job or the
 * directory is untrusted: `&`, `<` and `>` are escaped (so `<!channel>` or `<@U123>` never
 * pings and `<http://x|y>` never links) and it is shown as inline code, where `*`, `_` and `~`
 * do not format. Pure; unit-tested.
 */

export interface TextObject {
  type: "mrkdwn" | "plain_text";
  text: string;
}
export type Block = { type: "section"; text?: TextObject; fields?: TextObject[] } | { type: "context"; elements: TextObject[] } | { type: "divider" };

export interface SlackMessage {
  /** Notification and fallback text (mrkdwn). */
  text: string;
  blocks: Block[];
}

/** Slack's control characters, as its docs ask: https://api.slack.com/reference/surfaces/formatting#escaping */
export function escapeSlackText(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

const MAX_VALUE = 200;

/** Control characters (ANSI escapes start with ESC), line and paragraph separators, bidi overrides. */
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]+/g;

/** An untrusted value as inline code: escaped, one line, no control character, no backtick to close the span early. */
export function code(value: string | number, max = MAX_VALUE): string {
  let text = String(value).replace(UNPRINTABLE, " ").replace(/`/g, "ˋ").trim();
  if (text.length > max) text = `${text.slice(0, max - 1)}…`;
  if (text === "") return "_(empty)_";
  return "`" + escapeSlackText(text) + "`";
}

const mrkdwn = (text: string): TextObject => ({ type: "mrkdwn", text });
const field = (label: string, value: string | number | null | undefined): TextObject | null =>
  value === null || value === undefined || value === "" ? null : mrkdwn(`*${label}*\n${code(value)}`);

function footer(orgSlug: string, extra?: string): Block {
  return { type: "context", elements: [mrkdwn(`orgtrail · organization ${code(orgSlug, 64)}${extra ? ` · ${extra}` : ""}`)] };
}

export interface EventDetails {
  action: string;
  timestamp: string;
  actor_email?: string;
  actor_user_id?: string;
  actor_ip?: string;
  user_email?: string;
  user_asset?: string;
  entity_name?: string;
  project_name?: string;
  artifact_qualified_name?: string;
  report_name?: string;
  response_code?: number;
}

/** The fields of a stored event line that a message shows. */
export function eventDetails(body: string): EventDetails {
  const raw = JSON.parse(body) as Record<string, unknown>;
  const s = (k: string) => (typeof raw[k] === "string" || typeof raw[k] === "number" ? String(raw[k]) : undefined);
  const status = Number(raw.response_code);
  return {
    action: s("action") ?? "",
    timestamp: s("timestamp") ?? "",
    actor_email: s("actor_email"),
    actor_user_id: s("actor_user_id"),
    actor_ip: s("actor_ip"),
    user_email: s("user_email"),
    user_asset: s("user_asset"),
    entity_name: s("entity_name"),
    project_name: s("project_name"),
    artifact_qualified_name: s("artifact_qualified_name"),
    report_name: s("report_name"),
    response_code: raw.response_code !== undefined && Number.isInteger(status) ? status : undefined,
  };
}

export function actionAlertMessage(orgSlug: string, e: EventDetails): SlackMessage {
  const actor = e.actor_email ?? e.actor_user_id;
  const target = e.user_email ?? e.user_asset;
  const fields = [
    field("Actor", actor),
    field("Target user", target),
    field("Team", e.entity_name),
    field("Project", e.project_name),
    field("Artifact", e.artifact_qualified_name),
    field("Report", e.report_name),
    field("IP", e.actor_ip),
    field("Response", e.response_code),
    field("Time (UTC)", e.timestamp),
  ].filter((f): f is TextObject => f !== null);
  const headline = `:rotating_light: ${code(e.action, 100)}${actor ? ` by ${code(actor, 100)}` : ""}`;
  return {
    text: `orgtrail: ${code(e.action, 100)}${actor ? ` by ${code(actor, 100)}` : ""} in ${code(orgSlug, 64)}`,
    blocks: [{ type: "section", text: mrkdwn(headline) }, ...(fields.length ? [{ type: "section" as const, fields }] : []), footer(orgSlug)],
  };
}

/** Several matching events in one batch beyond the per-batch cap: one summary instead. */
export function actionSummaryMessage(orgSlug: string, counts: ReadonlyMap<string, number>): SlackMessage {
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  const lines = [...counts.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 10)
    .map(([action, n]) => `• ${code(action, 100)} × ${n}`);
  return {
    text: `orgtrail: ${total} more watched actions in ${code(orgSlug, 64)}`,
    blocks: [{ type: "section", text: mrkdwn(`:rotating_light: *${total} more watched actions* in one upload\n${lines.join("\n")}`) }, footer(orgSlug)],
  };
}

export interface BurstDetails {
  count: number;
  windowMinutes: number;
  from: string;
  to: string;
  /** Most frequent actors / IPs / codes in the window, with their counts. */
  actors: [string, number][];
  ips: [string, number][];
  codes: [string, number][];
}

const tally = (items: [string, number][]) => items.map(([v, n]) => `${code(v, 80)} × ${n}`).join(", ");

export function authBurstMessage(orgSlug: string, b: BurstDetails): SlackMessage {
  const fields = [
    mrkdwn(`*Window (UTC)*\n${code(b.from)} → ${code(b.to)}`),
    b.codes.length ? mrkdwn(`*Responses*\n${tally(b.codes)}`) : null,
    b.actors.length ? mrkdwn(`*Top actors*\n${tally(b.actors)}`) : null,
    b.ips.length ? mrkdwn(`*Top IPs*\n${tally(b.ips)}`) : null,
  ].filter((f): f is TextObject => f !== null);
  return {
    text: `orgtrail: ${b.count} refused requests (401/403) within ${b.windowMinutes} min in ${code(orgSlug, 64)}`,
    blocks: [
      { type: "section", text: mrkdwn(`:warning: *${b.count} refused requests* (401/403) within ${b.windowMinutes} min`) },
      { type: "section", fields },
      footer(orgSlug),
    ],
  };
}

/** A query rule (lib/alerts/query-rules.ts) matched an event. */
export function queryMatchMessage(orgSlug: string, rule: { name: string; query: string }, e: EventDetails): SlackMessage {
  const base = actionAlertMessage(orgSlug, e);
  const actor = e.actor_email ?? e.actor_user_id;
  return {
    text: `orgtrail: rule ${code(rule.name, 80)}: ${code(e.action, 100)}${actor ? ` by ${code(actor, 100)}` : ""} in ${code(orgSlug, 64)}`,
    blocks: [
      { type: "section", text: mrkdwn(`:mag: Rule ${code(rule.name, 80)}: ${code(e.action, 100)}${actor ? ` by ${code(actor, 100)}` : ""}`) },
      ...base.blocks.slice(1, -1),
      footer(orgSlug, `query ${code(rule.query, 300)}`),
    ],
  };
}

/** More matches of a query rule in one batch than it sends one by one. */
export function queryMatchSummaryMessage(orgSlug: string, rule: { name: string; query: string }, count: number): SlackMessage {
  return {
    text: `orgtrail: rule ${code(rule.name, 80)}: ${count} more matching events in ${code(orgSlug, 64)}`,
    blocks: [
      { type: "section", text: mrkdwn(`:mag: Rule ${code(rule.name, 80)}: *${count} more matching events* in one upload`) },
      footer(orgSlug, `query ${code(rule.query, 300)}`),
    ],
  };
}

/** A query rule's count crossed its threshold within its window. */
export function queryCountMessage(
  orgSlug: string,
  rule: { name: string; query: string },
  b: { count: number; windowMinutes: number; from: string; to: string },
): SlackMessage {
  return {
    text: `orgtrail: rule ${code(rule.name, 80)}: ${b.count} matching events within ${b.windowMinutes} min in ${code(orgSlug, 64)}`,
    blocks: [
      { type: "section", text: mrkdwn(`:warning: Rule ${code(rule.name, 80)}: *${b.count} matching events* within ${b.windowMinutes} min`) },
      { type: "section", fields: [mrkdwn(`*Window (UTC)*\n${code(b.from)} → ${code(b.to)}`)] },
      footer(orgSlug, `query ${code(rule.query, 300)}`),
    ],
  };
}

export function jobFailureMessage(orgSlug: string, jobName: string, error: string, consecutiveFailures: number): SlackMessage {
  const times = consecutiveFailures === 1 ? "failed" : `failed ${consecutiveFailures} times in a row`;
  return {
    text: `orgtrail: job ${code(jobName, 64)} ${times}`,
    blocks: [
      { type: "section", text: mrkdwn(`:x: Background job ${code(jobName, 64)} ${times}`) },
      { type: "section", text: mrkdwn(`*Last error*\n${code(error, 500)}`) },
      footer(orgSlug),
    ],
  };
}

export interface InactiveUser {
  email: string | null;
  username: string | null;
  lastActive: string | null;
}

const DIGEST_LIST_MAX = 40;

/** `username` (`email`), or whichever of the two there is. */
function userLabel(u: { email: string | null; username: string | null }): string {
  return u.username && u.email ? `${code(u.username, 80)} (${code(u.email, 120)})` : code(u.email ?? u.username ?? "unknown", 120);
}

/** One list of the dormant seats worklist as the digest reports it (lib/alerts/seats-digest.ts builds them). */
export interface DigestList {
  title: string;
  users: readonly { email: string | null; username: string | null; note: string | null }[];
}

/** Users shown per worklist list; the rest are counted ("…and N more"). */
export const SEAT_LIST_MAX = 10;

/** The digest's section for one worklist list: its title and count, then its first users. */
export function digestListBlock(list: DigestList): Block {
  const n = list.users.length;
  const lines = list.users.slice(0, SEAT_LIST_MAX).map((u) => `• ${userLabel(u)}${u.note ? ` · ${code(u.note, 120)}` : ""}`);
  if (n > SEAT_LIST_MAX) lines.push(`…and ${n - SEAT_LIST_MAX} more (see the Seats tab)`);
  return { type: "section", text: mrkdwn([`*${escapeSlackText(list.title)}:* ${n} user${n === 1 ? "" : "s"}`, ...lines].join("\n")) };
}

/** The digest's "Dormant seats" part: a heading, then one section per list. */
export function seatsDigestBlocks(asOf: string, lists: readonly DigestList[]): Block[] {
  return [{ type: "section", text: mrkdwn(`:chair: *Dormant seats* as of ${code(asOf, 10)}`) }, ...lists.map(digestListBlock)];
}

export function inactiveDigestMessage(
  orgSlug: string,
  weekStart: string,
  weekEnd: string,
  users: readonly InactiveUser[],
  seats?: readonly DigestList[],
): SlackMessage {
  const title = users.length === 0 ? "No user went inactive" : `${users.length} user${users.length === 1 ? "" : "s"} went inactive`;
  const lines = users.slice(0, DIGEST_LIST_MAX).map((u) => `• ${userLabel(u)}${u.lastActive ? ` · last active ${code(u.lastActive.slice(0, 10), 10)}` : ""}`);
  if (users.length > DIGEST_LIST_MAX) lines.push(`…and ${users.length - DIGEST_LIST_MAX} more (see the Users tab)`);
  const blocks: Block[] = [
    {
      type: "section",
      text: mrkdwn(`:calendar: *Weekly digest:* ${title} (no activity for six months), week of ${code(weekStart, 10)} to ${code(weekEnd, 10)}`),
    },
  ];
  if (lines.length) blocks.push({ type: "section", text: mrkdwn(lines.join("\n")) });
  if (seats) blocks.push({ type: "divider" }, ...seatsDigestBlocks(weekEnd, seats));
  blocks.push(footer(orgSlug));
  return { text: `orgtrail weekly digest: ${title} in ${code(orgSlug, 64)}`, blocks };
}

/**
 * What the weekly digest posts about one worklist list (the Seats tab's preview): the digest's
 * dormant-seats heading and that list's section, with the digest's footer.
 */
export function seatListPreviewMessage(orgSlug: string, asOf: string, list: DigestList): SlackMessage {
  return {
    text: `orgtrail weekly digest: ${escapeSlackText(list.title)}: ${list.users.length} in ${code(orgSlug, 64)}`,
    blocks: [...seatsDigestBlocks(asOf, [list]), footer(orgSlug)],
  };
}

export function testMessage(orgSlug: string, who: string): SlackMessage {
  return {
    text: `orgtrail: test message for ${code(orgSlug, 64)}`,
    blocks: [
      { type: "section", text: mrkdwn(`:white_check_mark: Test message from orgtrail, sent by ${code(who, 128)}. Alerts will arrive here.`) },
      footer(orgSlug),
    ],
  };
}

/** Job errors may quote URLs with credentials or Slack tokens: never forward those. */
export function redactSecrets(text: string): string {
  return text
    .replace(/\b(https?:\/\/)[^\s/@:]+:[^\s/@]+@/gi, "$1***@")
    .replace(/\bxox[abposr]-[A-Za-z0-9-]+/g, "xox*-***")
    .replace(/(hooks\.slack(?:-gov)?\.com\/services\/)[^\s"']+/gi, "$1***")
    .replace(/\b(otk_)[A-Za-z0-9_-]{8,}/g, "$1***")
    .replace(/([?&](?:key|token|secret|password|api_key|apikey|client_secret|signature|X-Amz-Signature|X-Amz-Credential)=)[^&\s]+/gi, "$1***");
}
