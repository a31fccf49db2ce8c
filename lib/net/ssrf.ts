import { lookup } from "node:dns/promises";
import { isIP } from "node:net";

/**
 * Outbound URLs an admin configures (upstream API, S3 endpoint, Slack webhooks) must not
 * reach this machine, its network or a cloud metadata service unless the admin named the
 * host in ORGTRAIL_ALLOWED_HOSTS. The WHATWG URL parser already turns hex, octal and decimal
 * IPv4 spellings (0x7f.1, 2130706433) into dotted form; DNS names are resolved and every
 * address they resolve to is checked. Redirects are followed by hand and checked again.
 */
export class BlockedUrlError extends Error {}

function ipv4ToInt(ip: string): number {
  return ip.split(".").reduce((n, part) => n * 256 + Number(part), 0);
}

const V4_BLOCKED: [string, number][] = [
  ["0.0.0.0", 8], ["10.0.0.0", 8], ["100.64.0.0", 10], ["127.0.0.0", 8], ["169.254.0.0", 16],
  ["172.16.0.0", 12], ["192.0.0.0", 24], ["192.168.0.0", 16], ["198.18.0.0", 15], ["224.0.0.0", 4], ["240.0.0.0", 4],
];

function blockedV4(ip: string): boolean {
  const n = ipv4ToInt(ip);
  return V4_BLOCKED.some(([base, bits]) => {
    const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
    return ((n & mask) >>> 0) === ((ipv4ToInt(base) & mask) >>> 0);
  });
}

function expandV6(ip: string): number[] | null {
  let text = ip.toLowerCase();
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const n = ipv4ToInt(v4[1]!);
    text = text.slice(0, -v4[1]!.length) + `${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
  }
  const [head, tail] = text.split("::") as [string, string | undefined];
  const h = head ? head.split(":") : [];
  const t = tail !== undefined && tail !== "" ? tail.split(":") : [];
  const fill = tail === undefined ? 0 : 8 - h.length - t.length;
  const groups = [...h, ...Array<string>(Math.max(fill, 0)).fill("0"), ...t].map((g) => parseInt(g || "0", 16));
  return groups.length === 8 && groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : null;
}

function blockedV6(ip: string): boolean {
  const g = expandV6(ip.replace(/^\[|\]$/g, "").split("%")[0]!);
  if (!g) return true;
  if (g.every((x) => x === 0)) return true; // ::
  if (g.slice(0, 7).every((x) => x === 0) && g[7] === 1) return true; // ::1
  // IPv4-mapped (::ffff:a.b.c.d) and IPv4-compatible / NAT64 (64:ff9b::/96) forms carry an IPv4 address.
  const embedded = `${g[6]! >>> 8}.${g[6]! & 255}.${g[7]! >>> 8}.${g[7]! & 255}`;
  if (g.slice(0, 5).every((x) => x === 0) && (g[5] === 0xffff || g[5] === 0)) return blockedV4(embedded);
  if (g[0] === 0x64 && g[1] === 0xff9b) return blockedV4(embedded);
  if ((g[0]! & 0xfe00) === 0xfc00) return true; // unique local fc00::/7 (incl. fd00:ec2::254)
  if ((g[0]! & 0xffc0) === 0xfe80) return true; // link-local
  if ((g[0]! & 0xff00) === 0xff00) return true; // multicast
  return false;
}

/** True for loopback, private, link-local, metadata, multicast and reserved addresses. */
export function isBlockedAddress(ip: string): boolean {
  const kind = isIP(ip.replace(/^\[|\]$/g, ""));
  if (kind === 4) return blockedV4(ip);
  if (kind === 6) return blockedV6(ip);
  return true;
}

export function allowedHosts(value: string | undefined): Set<string> {
  return new Set((value ?? "").split(",").map((h) => h.trim().toLowerCase()).filter(Boolean));
}

/** Throws BlockedUrlError unless the URL is http(s) and its host resolves only to public addresses (or is allowed). */
export async function assertOutboundUrl(
  raw: string | URL,
  options: { allow?: Set<string>; resolve?: (host: string) => Promise<string[]> } = {},
): Promise<URL> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new BlockedUrlError(`not a URL: ${String(raw).slice(0, 100)}`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new BlockedUrlError(`only http(s) URLs are allowed, not ${url.protocol}`);
  if (url.username || url.password) throw new BlockedUrlError("credentials inside a URL are not allowed");
  const host = url.hostname.replace(/^\[|\]$/g, "").toLowerCase();
  if (options.allow?.has(host) || options.allow?.has(url.host.toLowerCase())) return url;
  const resolve = options.resolve ?? (async (h: string) => (await lookup(h, { all: true, verbatim: true })).map((a) => a.address));
  const addresses = isIP(host) ? [host] : await resolve(host).catch(() => {
    throw new BlockedUrlError(`cannot resolve ${host}`);
  });
  if (addresses.length === 0) throw new BlockedUrlError(`cannot resolve ${host}`);
  const bad = addresses.find(isBlockedAddress);
  if (bad) throw new BlockedUrlError(`${host} resolves to ${bad}, a private or reserved address; add it to ORGTRAIL_ALLOWED_HOSTS to allow it`);
  return url;
}

/** fetch() for admin-configured URLs: every hop (redirects included) passes assertOutboundUrl. */
export async function safeFetch(
  raw: string | URL,
  init: RequestInit = {},
  options: { allow?: Set<string>; maxRedirects?: number } = {},
): Promise<Response> {
  let url = await assertOutboundUrl(raw, options);
  for (let hop = 0; ; hop++) {
    const res = await fetch(url, { ...init, redirect: "manual" });
    const location = res.status >= 300 && res.status < 400 ? res.headers.get("location") : null;
    if (!location) return res;
    if (hop >= (options.maxRedirects ?? 3)) throw new BlockedUrlError("too many redirects");
    await res.body?.cancel();
    url = await assertOutboundUrl(new URL(location, url), options);
  }
}
