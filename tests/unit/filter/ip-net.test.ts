import { describe, expect, it } from "vitest";
import { formatIpNet, ipInNet, parseIpAddress, parseIpNet } from "@/lib/filter/ip-net";

function net(text: string) {
  const r = parseIpNet(text);
  if (!r.ok) throw new Error(r.error);
  return r.net;
}

const inNet = (address: string, range: string) => {
  const a = parseIpAddress(address);
  if (a === null) throw new Error(`not an address: ${address}`);
  return ipInNet(a, net(range));
};

describe("IP addresses and CIDR ranges", () => {
  it("parses IPv4 strictly", () => {
    expect(parseIpAddress("10.1.2.3")).toEqual({ version: 4, value: 0x0a010203n });
    expect(parseIpAddress("0.0.0.0")).toEqual({ version: 4, value: 0n });
    for (const bad of ["10.1.2", "10.1.2.3.4", "10.1.2.256", "10.01.2.3", "10.1.2.-1", "a.b.c.d", "", "10..2.3"]) expect(parseIpAddress(bad)).toBeNull();
  });

  it("parses IPv6 with :: and an IPv4 tail", () => {
    expect(parseIpAddress("::")).toEqual({ version: 6, value: 0n });
    expect(parseIpAddress("::1")).toEqual({ version: 6, value: 1n });
    expect(parseIpAddress("2001:DB8:0:0:0:0:0:1")).toEqual(parseIpAddress("2001:db8::1"));
    expect(parseIpAddress("64:ff9b::192.0.2.33")).toEqual({ version: 6, value: (0x64n << 112n) | (0xff9bn << 96n) | 0xc0000221n });
    for (const bad of ["1::2::3", "1:2:3:4:5:6:7:8:9", "12345::", "1:2:3:4:5:6:7", "g::1", "::1.2.3", ":1:2:3:4:5:6:7"]) expect(parseIpAddress(bad)).toBeNull();
  });

  it("treats an IPv4-mapped IPv6 address as IPv4", () => {
    expect(parseIpAddress("::ffff:10.1.2.3")).toEqual({ version: 4, value: 0x0a010203n });
    expect(parseIpAddress("::ffff:a01:203")).toEqual({ version: 4, value: 0x0a010203n });
    expect(inNet("::ffff:10.1.2.3", "10.1.0.0/16")).toBe(true);
    expect(inNet("10.1.2.3", "::ffff:10.1.0.0/112")).toBe(true);
    expect(inNet("10.1.2.3", "::ffff:0:0/96")).toBe(true);
    expect(inNet("10.1.2.3", "::/0")).toBe(true);
  });

  it("matches ranges of both families", () => {
    expect(inNet("10.1.2.3", "10.1.0.0/16")).toBe(true);
    expect(inNet("10.2.2.3", "10.1.0.0/16")).toBe(false);
    expect(inNet("10.1.2.3", "10.1.2.3")).toBe(true);
    expect(inNet("10.1.2.4", "10.1.2.3")).toBe(false);
    expect(inNet("203.0.113.9", "0.0.0.0/0")).toBe(true);
    expect(inNet("10.1.2.3", "10.1.2.2/31")).toBe(true);
    expect(inNet("2001:db8:1::5", "2001:db8::/32")).toBe(true);
    expect(inNet("2001:db9::5", "2001:db8::/32")).toBe(false);
    expect(inNet("2001:db8::1", "2001:db8:0:0::1")).toBe(true);
    expect(inNet("10.1.2.3", "2001:db8::/32")).toBe(false);
    expect(inNet("2001:db8::1", "10.0.0.0/8")).toBe(false);
  });

  it("refuses bad ranges with a reason", () => {
    expect(parseIpNet("10.0.0.0/33")).toMatchObject({ ok: false, error: expect.stringContaining("from 0 to 32") });
    expect(parseIpNet("::/129")).toMatchObject({ ok: false, error: expect.stringContaining("from 0 to 128") });
    expect(parseIpNet("10.0.0/8")).toMatchObject({ ok: false, error: expect.stringContaining("not an IPv4 or IPv6 address") });
    expect(parseIpNet("10.0.0.0/")).toMatchObject({ ok: false });
    expect(parseIpNet("10.0.0.0/8/8")).toMatchObject({ ok: false });
  });

  it("formats canonically", () => {
    expect(formatIpNet(net("10.1.2.3/16"))).toBe("10.1.0.0/16");
    expect(formatIpNet(net("2001:0db8:0000:0000:0000:0000:0000:0001"))).toBe("2001:db8::1");
    expect(formatIpNet(net("2001:db8:0:1:0:0:0:1"))).toBe("2001:db8:0:1::1");
    expect(formatIpNet(net("::"))).toBe("::");
    expect(formatIpNet(net("1:0:0:2:0:0:0:3"))).toBe("1:0:0:2::3");
    expect(formatIpNet(net("::ffff:10.1.2.3"))).toBe("10.1.2.3");
  });
});
