import { randomBytes } from "node:crypto";
import type { Kysely } from "kysely";
import type { Database } from "../../db/types";
import { hashSecret } from "../keys";
import { SsoError } from "./errors";

/**
 * SSO sign-ins in progress, kept server-side (`sso_flows`): the state, nonce and PKCE verifier
 * never leave the server except as the provider's parameters. A flow is bound to the browser
 * that started it by a random HttpOnly cookie (only its hash is stored), lasts 10 minutes,
 * and is deleted when its state comes back: a state is usable once, and a callback from
 * another browser (login CSRF) finds nothing.
 */
export const FLOW_TTL_MS = 10 * 60_000;
/** Flows alive at once; more answer "busy" so anonymous calls to the start route cannot grow the table without bound. */
export const MAX_LIVE_FLOWS = 10_000;

export interface SsoFlow {
  state: string;
  nonce: string;
  codeVerifier: string;
  next: string;
}

/** A new browser secret for the flow cookie. */
export function newBrowserSecret(): string {
  return randomBytes(32).toString("base64url");
}

/** A browser secret read back from a cookie: ours look like this, anything else is ignored. */
export function isBrowserSecret(value: string | null): value is string {
  return value !== null && /^[A-Za-z0-9_-]{43}$/.test(value);
}

export async function saveFlow(db: Kysely<Database>, browserSecret: string, flow: SsoFlow, now = Date.now()): Promise<void> {
  await db.deleteFrom("sso_flows").where("expires_at", "<", now).execute();
  const live = await db
    .selectFrom("sso_flows")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  if (Number(live.n) >= MAX_LIVE_FLOWS) throw new SsoError("busy", `${live.n} sign-ins in progress`);
  await db
    .insertInto("sso_flows")
    .values({
      state_hash: hashSecret(flow.state),
      browser_hash: hashSecret(browserSecret),
      nonce: flow.nonce,
      code_verifier: flow.codeVerifier,
      next: flow.next,
      expires_at: now + FLOW_TTL_MS,
    })
    .execute();
}

/** Takes (deletes) the flow of `state` started by this browser; throws `state` when there is none or it expired. */
export async function takeFlow(db: Kysely<Database>, state: string | undefined, browserSecret: string | null, now = Date.now()): Promise<SsoFlow> {
  if (!state) throw new SsoError("state", "the callback has no state");
  if (!isBrowserSecret(browserSecret)) throw new SsoError("state", "the browser has no flow cookie (started elsewhere, or cookies blocked)");
  const row = await db
    .deleteFrom("sso_flows")
    .where("state_hash", "=", hashSecret(state))
    .where("browser_hash", "=", hashSecret(browserSecret))
    .returning(["nonce", "code_verifier", "next", "expires_at"])
    .executeTakeFirst();
  if (!row) throw new SsoError("state", "unknown or already used state, or another browser's");
  if (Number(row.expires_at) < now) throw new SsoError("state", "the sign-in attempt expired");
  return { state, nonce: row.nonce, codeVerifier: row.code_verifier, next: row.next };
}
