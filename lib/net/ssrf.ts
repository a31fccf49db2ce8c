import { isIP } from "node:net";

/**
 * The address rules of outbound requests (docs/SECURITY.md "Outbound requests"), pure: no DNS,
 * no sockets. Which rule a URL gets depends on who chose it:
 * - a URL the operator configured (environment, CLI option) may reach loopback and private
 *   networks, where a self-managed platform or an S3-compatible store usually lives, but not
 *   link-local and cloud metadata addresses;
 * - a URL anyone else supplied (a Slack answer, an organization admin) may reach only public
 *   addresses.
 * Either rule yields to ORGTRAIL_ALLOWED_HOSTS. lib/net/outbound.ts applies them, at connect time.
 * The WHATWG URL parser already turns hex, octal and decimal IPv4 spellings (0x7f.1,
 * 2130706433) into dotted form, so only canonical addresses are classified here.
 */
export class BlockedUrlError extends Error {}

/** Who chose the URL: the operator (environment, CLI options), or anyone else (untrusted). */
export type UrlTrust = "operator" | "untrusted";

function ipv4ToInt(ip: string): number {
  return ip.split(".").reduce((n, part) => n * 256 + Number(part), 0);
}

type Cidr = [string, number];

const V4_BLOCKED: Cidr[] = [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
];

/**
 * Never reached by any outbound URL unless allowed by name: link-local (169.254/16 holds the
 * AWS, GCP, Azure and Oracle metadata services and ECS's credentials endpoint), Alibaba's
 * metadata (100.100.100.200), Azure's WireServer (168.63.129.16), multicast and reserved.
 */
const V4_METADATA: Cidr[] = [
  ["169.254.0.0", 16],
  ["100.100.100.200", 32],
  ["168.63.129.16", 32],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
];

function inV4(ip: string, list: Cidr[]): boolean {
  const n = ipv4ToInt(ip);
  return list.some(([base, bits]) => {
    const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
    return (n & mask) >>> 0 === (ipv4ToInt(base) & mask) >>> 0;
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

/** The IPv4 address an IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible or NAT64 (64:ff9b::/96, 64:ff9b:1::/48) address carries. */
function embeddedV4(g: number[]): string | null {
  const embedded = `${g[6]! >>> 8}.${g[6]! & 255}.${g[7]! >>> 8}.${g[7]! & 255}`;
  if (g.slice(0, 5).every((x) => x === 0) && (g[5] === 0xffff || g[5] === 0)) return embedded;
  if (g[0] === 0x64 && g[1] === 0xff9b) return embedded;
  return null;
}

const v6Groups = (ip: string) => expandV6(ip.replace(/^\[|\]$/g, "").split("%")[0]!);

function blockedV6(ip: string): boolean {
  const g = v6Groups(ip);
  if (!g) return true;
  if (g.every((x) => x === 0)) return true; // ::
  if (g.slice(0, 7).every((x) => x === 0) && g[7] === 1) return true; // ::1
  const v4 = embeddedV4(g);
  if (v4) return inV4(v4, V4_BLOCKED);
  if ((g[0]! & 0xfe00) === 0xfc00) return true; // unique local fc00::/7 (incl. fd00:ec2::254)
  return metadataV6(g);
}

function metadataV6(g: number[]): boolean {
  if ((g[0]! & 0xffc0) === 0xfe80) return true; // link-local fe80::/10
  if ((g[0]! & 0xff00) === 0xff00) return true; // multicast
  // fd00:ec2::254: the AWS instance metadata service over IPv6.
  if (g[0] === 0xfd00 && g[1] === 0x0ec2 && g.slice(2, 7).every((x) => x === 0) && g[7] === 0x254) return true;
  const v4 = embeddedV4(g);
  return v4 !== null && inV4(v4, V4_METADATA);
}

/** The untrusted rule: true for loopback, private, shared, link-local, metadata, multicast and reserved addresses. */
export function isBlockedAddress(ip: string): boolean {
  const bare = ip.replace(/^\[|\]$/g, "");
  const kind = isIP(bare.split("%")[0]!);
  if (kind === 4) return inV4(bare, V4_BLOCKED) || inV4(bare, V4_METADATA);
  if (kind === 6) return blockedV6(bare);
  return true;
}

/** The operator rule: true for link-local, cloud metadata, multicast and reserved addresses (loopback and private pass). */
export function isMetadataAddress(ip: string): boolean {
  const bare = ip.replace(/^\[|\]$/g, "");
  const kind = isIP(bare.split("%")[0]!);
  if (kind === 4) return inV4(bare, V4_METADATA);
  if (kind === 6) {
    const g = v6Groups(bare);
    return g === null || metadataV6(g);
  }
  return true;
}

export function isRefusedAddress(trust: UrlTrust, ip: string): boolean {
  return trust === "operator" ? isMetadataAddress(ip) : isBlockedAddress(ip);
}

/** Why an address is refused, for the error message. */
export function refusalMessage(trust: UrlTrust, host: string, ip: string): string {
  const what = trust === "operator" ? "a link-local, cloud metadata or reserved address" : "a private or reserved address";
  return `${host} resolves to ${ip}, ${what}; add it to ORGTRAIL_ALLOWED_HOSTS to allow it`;
}

/** ORGTRAIL_ALLOWED_HOSTS: comma-separated host names or addresses (a `:port` suffix is ignored). */
export function allowedHosts(value: string | undefined): Set<string> {
  const hosts = new Set<string>();
  for (const raw of (value ?? "").split(",")) {
    let h = raw.trim().toLowerCase();
    if (!h) continue;
    const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(h);
    if (bracketed) h = bracketed[1]!;
    else if (/^[^:]+:\d+$/.test(h)) h = h.replace(/:\d+$/, "");
    hosts.add(h.replace(/\.$/, ""));
  }
  return hosts;
}

/** A URL's host as compared with the allow list and shown in messages: no brackets, no trailing dot, lower case. */
export function hostKey(host: string): string {
  return host
    .replace(/^\[|\]$/g, "")
    .replace(/\.$/, "")
    .toLowerCase();
}

/** Parses an outbound URL: http(s) only, no credentials inside it. */
export function parseOutboundUrl(raw: string | URL): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new BlockedUrlError(`not a URL: ${String(raw).slice(0, 100)}`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new BlockedUrlError(`only http(s) URLs are allowed, not ${url.protocol}`);
  if (url.username || url.password) throw new BlockedUrlError("credentials inside a URL are not allowed");
  return url;
}
