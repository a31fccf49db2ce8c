/**
 * Who the client is, from the socket's peer address and X-Forwarded-For. Pure: the caller
 * passes the peer and the configured proxies (lib/auth/client-address.ts does, in the server).
 *
 * X-Forwarded-For is a list each proxy appends to, so only its right end can be believed, and
 * only as far as the hops are proxies we trust: walking from the right, the first address that
 * is not a trusted proxy is the client. A client can write anything at the left end, so what
 * it wrote is never reached unless every proxy after it is trusted.
 */
import { BlockList, isIP } from "node:net";

/** The address alone: brackets, a port and an IPv6 zone removed, IPv4-mapped IPv6 as IPv4; null if it is not an IP. */
export function normalizeIp(raw: string | null | undefined): string | null {
  if (!raw) return null;
  let s = raw.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(s);
  if (bracketed) s = bracketed[1]!;
  else if (/^\d{1,3}(\.\d{1,3}){3}:\d+$/.test(s)) s = s.slice(0, s.lastIndexOf(":"));
  s = s.replace(/%.*$/, "");
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(s);
  if (mapped) s = mapped[1]!;
  const family = isIP(s);
  if (family === 0) return null;
  return family === 6 ? s.toLowerCase() : s;
}

/** A list of addresses and CIDRs (`10.0.0.0/8, ::1`); entries that do not parse are skipped (lib/env.ts refuses them at start). */
export function parseProxyList(value: string | undefined): BlockList {
  const list = new BlockList();
  for (const entry of (value ?? "")
    .split(",")
    .map((e) => e.trim())
    .filter(Boolean)) {
    const [ipPart, bits] = entry.split("/");
    const ip = normalizeIp(ipPart);
    if (!ip) continue;
    const type = isIP(ip) === 4 ? "ipv4" : "ipv6";
    if (bits === undefined) list.addAddress(ip, type);
    else if (/^\d{1,3}$/.test(bits)) list.addSubnet(ip, Math.min(Number(bits), type === "ipv4" ? 32 : 128), type);
  }
  return list;
}

function isTrusted(ip: string, proxies: BlockList): boolean {
  return proxies.check(ip, isIP(ip) === 4 ? "ipv4" : "ipv6");
}

/**
 * The client's address: the peer, unless the peer is a trusted proxy, then the right-most
 * X-Forwarded-For entry that is not one. "unknown" when the peer is not known.
 */
export function resolveClientIp(peer: string | null, forwardedFor: string | null, proxies: BlockList): string {
  let client = normalizeIp(peer);
  if (!client) return "unknown";
  if (!forwardedFor) return client;
  const hops = forwardedFor.split(",");
  for (let i = hops.length - 1; i >= 0 && isTrusted(client, proxies); i--) {
    const hop = normalizeIp(hops[i]);
    // A hop that is not an address: the chain is broken there; keep the last proxy we trust.
    if (!hop) break;
    client = hop;
  }
  return client;
}

/** Expands an IPv6 address to its eight 16-bit groups. */
function ipv6Groups(ip: string): number[] {
  let s = ip;
  const v4 = /(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (v4) {
    const [a, b, c, d] = v4.slice(1).map(Number) as [number, number, number, number];
    s = `${s.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = s.includes("::") ? (s.split("::") as [string, string]) : [s, undefined];
  const left = head ? head.split(":") : [];
  const right = tail === undefined ? [] : tail ? tail.split(":") : [];
  const missing = 8 - left.length - right.length;
  const groups = tail === undefined ? left : [...left, ...Array<string>(Math.max(0, missing)).fill("0"), ...right];
  return groups.map((g) => parseInt(g || "0", 16));
}

/**
 * What failures are counted against: the address, or for IPv6 its /64 (one subscriber
 * usually holds a whole /64, so counting single addresses would let it rotate freely).
 */
export function throttleKey(ip: string): string {
  if (isIP(ip) !== 6) return ip;
  return `${ipv6Groups(ip)
    .slice(0, 4)
    .map((g) => g.toString(16))
    .join(":")}::/64`;
}
