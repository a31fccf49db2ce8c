import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import { env } from "../env";
import { checkUntrustedUrl, operatorFetch } from "../net/outbound";
import { deriveKey } from "./secret-box";

/**
 * "Add to Slack" (OAuth v2) for an incoming webhook: the authorize URL, a `state` bound to
 * the admin's session and organization, and the code exchange at `oauth.v2.access`.
 */

export const SLACK_SCOPE = "incoming-webhook";
export const CALLBACK_PATH = "/api/v1/slack/oauth/callback";
const STATE_TTL_MS = 10 * 60_000;

/** The redirect URI Slack must know: ORGTRAIL_PUBLIC_URL, else the origin the browser used. */
export function redirectUri(request: Request): string {
  const configured = env().ORGTRAIL_PUBLIC_URL;
  if (configured) return new URL(CALLBACK_PATH, configured.endsWith("/") ? configured : `${configured}/`).toString();
  const url = new URL(request.url);
  const proto = request.headers.get("x-forwarded-proto")?.split(",")[0]?.trim() || url.protocol.replace(":", "");
  const host = request.headers.get("x-forwarded-host") ?? request.headers.get("host") ?? url.host;
  return `${proto}://${host}${CALLBACK_PATH}`;
}

function sign(payload: string, sessionToken: string): string {
  const session = createHash("sha256").update(sessionToken).digest("hex");
  return createHmac("sha256", deriveKey("slack-oauth-state")).update(`${session}|${payload}`).digest("base64url");
}

/**
 * `orgId.expiry.nonce.mac`: the MAC covers the session token's hash, so a state works only in
 * the browser session that started the flow (a forged callback, login CSRF, is refused).
 */
export function createOAuthState(sessionToken: string, orgId: number, now = Date.now()): string {
  const payload = `${orgId}.${now + STATE_TTL_MS}.${randomBytes(16).toString("base64url")}`;
  return `${payload}.${sign(payload, sessionToken)}`;
}

export function verifyOAuthState(state: string, sessionToken: string, orgId: number, now = Date.now()): boolean {
  const parts = state.split(".");
  if (parts.length !== 4) return false;
  const [org, expiry, nonce, mac] = parts as [string, string, string, string];
  const expected = sign(`${org}.${expiry}.${nonce}`, sessionToken);
  const a = createHash("sha256").update(mac).digest();
  const b = createHash("sha256").update(expected).digest();
  if (!timingSafeEqual(a, b)) return false;
  return org === String(orgId) && Number(expiry) >= now;
}

export function authorizeUrl(clientId: string, redirect: string, state: string): string {
  const url = new URL(env().ORGTRAIL_SLACK_OAUTH_URL);
  url.searchParams.set("client_id", clientId);
  url.searchParams.set("scope", SLACK_SCOPE);
  url.searchParams.set("redirect_uri", redirect);
  url.searchParams.set("state", state);
  return url.toString();
}

const accessResponse = z.object({
  ok: z.literal(true),
  team: z.object({ name: z.string().optional() }).nullish(),
  incoming_webhook: z.object({
    url: z.url({ protocol: /^https?$/ }),
    channel: z.string().optional(),
  }),
});

export class SlackOAuthError extends Error {
  constructor(readonly code: string) {
    super(`Slack refused the authorization: ${code}`);
  }
}

export interface IncomingWebhook {
  url: string;
  channel: string | null;
  team: string | null;
}

/** Exchanges an authorization code for the incoming webhook (the access token is not kept). */
export async function exchangeCode(input: { clientId: string; clientSecret: string; code: string; redirectUri: string }): Promise<IncomingWebhook> {
  const endpoint = `${env().ORGTRAIL_SLACK_API_URL.replace(/\/+$/, "")}/oauth.v2.access`;
  let response: Response;
  try {
    // ORGTRAIL_SLACK_API_URL is the operator's; the webhook in the answer is Slack's (checked below).
    response = await operatorFetch(endpoint, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ client_id: input.clientId, client_secret: input.clientSecret, code: input.code, redirect_uri: input.redirectUri }),
      signal: AbortSignal.timeout(15_000),
    });
  } catch {
    throw new SlackOAuthError("slack_unreachable");
  }
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    throw new SlackOAuthError(`http_${response.status}`);
  }
  const parsed = accessResponse.safeParse(body);
  if (!parsed.success) {
    const error = (body as { error?: unknown } | null)?.error;
    throw new SlackOAuthError(typeof error === "string" && /^[a-z0-9_]{1,64}$/.test(error) ? error : "unexpected_response");
  }
  const hook = parsed.data.incoming_webhook;
  // Only an https webhook, unless Slack itself is configured on plain http (a test double on loopback).
  if (new URL(hook.url).protocol !== "https:" && new URL(env().ORGTRAIL_SLACK_API_URL).protocol !== "http:") throw new SlackOAuthError("insecure_webhook_url");
  // A URL from an answer is untrusted: refused now when it points at a private or metadata
  // address, rather than kept and refused at every delivery (which checks again).
  await checkUntrustedUrl(hook.url).catch(() => {
    throw new SlackOAuthError("webhook_refused");
  });
  return { url: hook.url, channel: hook.channel ?? null, team: parsed.data.team?.name ?? null };
}
