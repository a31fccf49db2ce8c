// A stand-in for Slack on loopback (127.0.0.1, random port): the OAuth v2 code exchange and an
// incoming webhook. Every request is checked (client id and secret, code, redirect_uri, the
// Block Kit shape of each message) and recorded; webhook answers can be scripted (429, 5xx).
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * The webhook URL in Slack's answer is untrusted (docs/SECURITY.md): on loopback it is refused
 * unless the operator allows the host, as the tests that deliver to this fake do.
 */
export const FAKE_SLACK_ALLOWED_HOSTS = "127.0.0.1";

export interface FakeSlackOptions {
  clientId: string;
  clientSecret: string;
  code: string;
  /** The redirect_uri orgtrail must send (known once its server has a port). */
  redirectUri: () => string;
}

export interface RecordedExchange {
  params: Record<string, string>;
  ok: boolean;
}

export interface RecordedMessage {
  at: number;
  raw: string;
  body: { text: string; blocks: { type: string }[] };
  status: number;
}

export interface ScriptedResponse {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

export interface FakeSlack {
  apiUrl: string;
  oauthUrl: string;
  webhookUrl: string;
  exchanges: RecordedExchange[];
  messages: RecordedMessage[];
  /** Problems found in requests (a test asserts this stays empty). */
  problems: string[];
  /** Answers for the next webhook posts, in order; then 200 "ok". */
  script(...responses: ScriptedResponse[]): void;
  close(): Promise<void>;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function checkMessage(raw: string): string | null {
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    return "webhook body is not JSON";
  }
  const b = body as { text?: unknown; blocks?: unknown };
  if (typeof b.text !== "string" || b.text.length === 0) return "message has no fallback text";
  if (!Array.isArray(b.blocks) || b.blocks.length === 0 || b.blocks.length > 50) return "message has no blocks (or more than 50)";
  for (const block of b.blocks as { type?: unknown; text?: { type?: unknown; text?: unknown }; fields?: unknown; elements?: unknown }[]) {
    if (!["section", "context", "divider", "header"].includes(String(block.type))) return `unknown block type ${String(block.type)}`;
    if (block.type === "section") {
      if (!block.text && !Array.isArray(block.fields)) return "section without text or fields";
      if (block.text && (block.text.type !== "mrkdwn" || typeof block.text.text !== "string" || block.text.text.length > 3000)) return "bad section text";
      if (Array.isArray(block.fields) && block.fields.length > 10) return "more than 10 fields";
    }
    if (block.type === "context" && !Array.isArray(block.elements)) return "context without elements";
  }
  return null;
}

export async function startFakeSlack(options: FakeSlackOptions): Promise<FakeSlack> {
  const exchanges: RecordedExchange[] = [];
  const messages: RecordedMessage[] = [];
  const problems: string[] = [];
  const scripted: ScriptedResponse[] = [];
  let base = "";

  const server: Server = createServer((request, response) => {
    void (async () => {
      const url = new URL(request.url ?? "/", base);
      const raw = await readBody(request);
      if (request.method === "POST" && url.pathname === "/api/oauth.v2.access") {
        if (!(request.headers["content-type"] ?? "").startsWith("application/x-www-form-urlencoded")) problems.push("oauth.v2.access not form-encoded");
        const params = Object.fromEntries(new URLSearchParams(raw));
        const ok =
          params.client_id === options.clientId &&
          params.client_secret === options.clientSecret &&
          params.code === options.code &&
          params.redirect_uri === options.redirectUri();
        exchanges.push({ params, ok });
        response.setHeader("content-type", "application/json");
        if (!ok) {
          response.end(JSON.stringify({ ok: false, error: params.code === options.code ? "bad_client_secret" : "invalid_code" }));
          return;
        }
        response.end(
          JSON.stringify({
            ok: true,
            access_token: "xoxb-not-kept",
            scope: "incoming-webhook",
            team: { id: "T1", name: "Acme" },
            incoming_webhook: { channel: "#alerts", channel_id: "C1", configuration_url: `${base}/config`, url: `${base}/hooks/T1/B1/s3cr3thook` },
          }),
        );
        return;
      }
      if (request.method === "POST" && url.pathname === "/hooks/T1/B1/s3cr3thook") {
        const problem = checkMessage(raw);
        if (problem) problems.push(problem);
        if (!(request.headers["content-type"] ?? "").startsWith("application/json")) problems.push("webhook post not JSON");
        const answer = scripted.shift() ?? { status: 200, body: "ok" };
        messages.push({ at: Date.now(), raw, body: JSON.parse(raw) as RecordedMessage["body"], status: answer.status });
        response.writeHead(answer.status, { "content-type": "text/plain", ...answer.headers });
        response.end(answer.body ?? (answer.status === 200 ? "ok" : "error"));
        return;
      }
      problems.push(`unexpected ${request.method} ${url.pathname}`);
      response.writeHead(404).end("no_service");
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    apiUrl: `${base}/api`,
    oauthUrl: `${base}/oauth/v2/authorize`,
    webhookUrl: `${base}/hooks/T1/B1/s3cr3thook`,
    exchanges,
    messages,
    problems,
    script: (...responses) => scripted.push(...responses),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
