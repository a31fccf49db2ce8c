/**
 * IP addresses and CIDR ranges for the filter language's `ip:` (pure, no I/O). IPv4 and IPv6;
 * an IPv4-mapped IPv6 address (`::ffff:10.1.2.3`) is the IPv4 address it carries, so it
 * matches `ip:10.1.0.0/16` like the plain form does.
 */

export interface IpAddress {
  version: 4 | 6;
  /** The address as an unsigned integer (32 or 128 bits). */
  value: bigint;
}

export interface IpNet extends IpAddress {
  /** Leading bits that must match: 32 / 128 for a single address. */
  prefix: number;
}

const V4_PART = /^(0|[1-9]\d{0,2})$/;

function parseV4(text: string): bigint | null {
  const parts = text.split(".");
  if (parts.length !== 4) return null;
  let value = 0n;
  for (const part of parts) {
    if (!V4_PART.test(part)) return null;
    const n = Number(part);
    if (n > 255) return null;
    value = (value << 8n) | BigInt(n);
  }
  return value;
}

const HEX_GROUP = /^[0-9A-Fa-f]{1,4}$/;

/** Groups of one side of `::` (an embedded IPv4 tail counts as two groups); null when malformed. */
function v6Groups(text: string, allowV4Tail: boolean): number[] | null {
  if (text === "") return [];
  const parts = text.split(":");
  const groups: number[] = [];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    if (allowV4Tail && i === parts.length - 1 && part.includes(".")) {
      const v4 = parseV4(part);
      if (v4 === null) return null;
      groups.push(Number(v4 >> 16n), Number(v4 & 0xffffn));
      continue;
    }
    if (!HEX_GROUP.test(part)) return null;
    groups.push(parseInt(part, 16));
  }
  return groups;
}

function parseV6(text: string): bigint | null {
  const double = text.indexOf("::");
  let groups: number[] | null;
  if (double === -1) {
    groups = v6Groups(text, true);
    if (groups === null || groups.length !== 8) return null;
  } else {
    if (text.indexOf("::", double + 1) !== -1) return null;
    const head = v6Groups(text.slice(0, double), false);
    const tail = v6Groups(text.slice(double + 2), true);
    if (head === null || tail === null || head.length + tail.length > 7) return null;
    groups = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  }
  let value = 0n;
  for (const g of groups) value = (value << 16n) | BigInt(g);
  return value;
}

const MAPPED_PREFIX = 0xffffn << 32n;
const V4_MASK = 0xffffffffn;

/** Parses an IPv4 or IPv6 address (no zone, no brackets); null when it is not one. */
export function parseIpAddress(text: string): IpAddress | null {
  if (text.includes(":")) {
    const value = parseV6(text);
    if (value === null) return null;
    // ::ffff:a.b.c.d is the IPv4 address a.b.c.d.
    if (value >> 32n === 0xffffn) return { version: 4, value: value & V4_MASK };
    return { version: 6, value };
  }
  const value = parseV4(text);
  return value === null ? null : { version: 4, value };
}

const bits = (version: 4 | 6) => (version === 4 ? 32 : 128);

/**
 * `10.1.2.3`, `10.1.0.0/16`, `2001:db8::/32`: an address or a CIDR range. Host bits under the
 * prefix are ignored (`10.1.2.3/16` is `10.1.0.0/16`). Returns the reason when malformed.
 */
export function parseIpNet(text: string): { ok: true; net: IpNet } | { ok: false; error: string } {
  const slash = text.indexOf("/");
  const addressText = slash === -1 ? text : text.slice(0, slash);
  const address = parseIpAddress(addressText);
  if (address === null) return { ok: false, error: `"${addressText}" is not an IPv4 or IPv6 address` };
  const written = addressText.includes(":") ? 6 : 4;
  const width = written === 6 ? 128 : 32;
  let prefix = width;
  if (slash !== -1) {
    const p = text.slice(slash + 1);
    if (!/^\d{1,3}$/.test(p) || Number(p) > width) return { ok: false, error: `the prefix length "/${p}" must be a number from 0 to ${width}` };
    prefix = Number(p);
  }
  if (written === 6 && address.version === 4) {
    // A range written in the IPv4-mapped space: below /96 it spans more than IPv4 addresses.
    if (prefix < 96) return { ok: true, net: { version: 6, value: mask(MAPPED_PREFIX | address.value, 128, prefix), prefix } };
    prefix -= 96;
  }
  return { ok: true, net: { version: address.version, value: mask(address.value, bits(address.version), prefix), prefix } };
}

function mask(value: bigint, width: number, prefix: number): bigint {
  if (prefix === 0) return 0n;
  const hostBits = BigInt(width - prefix);
  return (value >> hostBits) << hostBits;
}

/** Whether the address lies in the range. */
export function ipInNet(address: IpAddress, net: IpNet): boolean {
  if (address.version === 4 && net.version === 6) {
    // Only a mapped-space range below /96 can hold an IPv4 address.
    return mask(MAPPED_PREFIX | address.value, 128, net.prefix) === net.value;
  }
  if (address.version !== net.version) return false;
  return mask(address.value, bits(address.version), net.prefix) === net.value;
}

/** The canonical text of a range: `10.1.0.0/16`, `2001:db8::1`. */
export function formatIpNet(net: IpNet): string {
  const text = net.version === 4 ? formatV4(net.value) : formatV6(net.value);
  return net.prefix === bits(net.version) ? text : `${text}/${net.prefix}`;
}

function formatV4(value: bigint): string {
  return [24n, 16n, 8n, 0n].map((s) => String((value >> s) & 0xffn)).join(".");
}

function formatV6(value: bigint): string {
  const groups: number[] = [];
  for (let s = 112n; s >= 0n; s -= 16n) groups.push(Number((value >> s) & 0xffffn));
  // RFC 5952: the longest run of two or more zero groups becomes "::".
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best === -1) return hex.join(":");
  return `${hex.slice(0, best).join(":")}::${hex.slice(best + bestLen).join(":")}`;
}
