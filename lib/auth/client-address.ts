/**
 * The client's address in a route handler. Next.js gives a route the Web `Request` only, not
 * the socket, and the `x-forwarded-for` it adds is kept as the client sent it when present
 * (`??=` in next/dist/server/base-server.js), so neither says who is really connected.
 *
 * So the server stamps every request itself: instrumentation.ts calls `stampPeerAddresses()`,
 * which subscribes to Node's `http.server.request.start` diagnostics channel (published before
 * the request reaches Next.js) and sets a header holding a per-process secret and the socket's
 * peer address. A client cannot forge it (it does not know the secret; its own header of that
 * name is overwritten). Without the stamp (a route called in-process, a server started some
 * other way) the peer is unknown, and failures are counted under "unknown".
 */
import { randomBytes } from "node:crypto";
import { subscribe } from "node:diagnostics_channel";
import type { IncomingMessage } from "node:http";
import type { Socket } from "node:net";
import { env } from "../env";
import { parseProxyList, resolveClientIp } from "../net/client-ip";

export const PEER_HEADER = "x-orgtrail-peer";

const holder = globalThis as unknown as {
  __orgtrailPeerSecret?: string;
  __orgtrailProxies?: { value: string | undefined; list: ReturnType<typeof parseProxyList> };
};

/** Stamps each incoming request with its socket's peer address (once per process). */
export function stampPeerAddresses(): void {
  if (holder.__orgtrailPeerSecret) return;
  const secret = randomBytes(18).toString("base64url");
  subscribe("http.server.request.start", (message) => {
    const { request, socket } = message as { request: IncomingMessage; socket: Socket };
    request.headers[PEER_HEADER] = `${secret} ${socket.remoteAddress ?? "unknown"}`;
  });
  holder.__orgtrailPeerSecret = secret;
}

/** The socket's peer address, when this server stamped the request; else null. */
export function peerAddress(request: Request): string | null {
  const secret = holder.__orgtrailPeerSecret;
  const stamp = request.headers.get(PEER_HEADER);
  if (!secret || !stamp || !stamp.startsWith(`${secret} `)) return null;
  return stamp.slice(secret.length + 1);
}

function trustedProxies() {
  const value = env().ORGTRAIL_TRUSTED_PROXIES;
  let cached = holder.__orgtrailProxies;
  if (!cached || cached.value !== value) holder.__orgtrailProxies = cached = { value, list: parseProxyList(value) };
  return cached.list;
}

/** The client's address: the peer, or what trusted proxies (ORGTRAIL_TRUSTED_PROXIES) say it is; "unknown" without a stamp. */
export function clientAddress(request: Request): string {
  return resolveClientIp(peerAddress(request), request.headers.get("x-forwarded-for"), trustedProxies());
}
