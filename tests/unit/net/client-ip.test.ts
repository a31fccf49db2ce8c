// Who the client is (issue 13, finding 1): the socket's peer, or what trusted proxies say.
import { describe, expect, it } from "vitest";
import { normalizeIp, parseProxyList, resolveClientIp, throttleKey } from "@/lib/net/client-ip";

describe("resolveClientIp", () => {
  const none = parseProxyList(undefined);
  const proxies = parseProxyList("10.0.0.0/8, 192.0.2.1, ::1, fd00::/8");

  it.each([
    ["no proxy configured: the peer, whatever the header says", "198.51.100.7", "1.2.3.4", none, "198.51.100.7"],
    ["an untrusted peer's header is ignored", "198.51.100.7", "1.2.3.4", proxies, "198.51.100.7"],
    ["a trusted proxy: the address it appended", "10.1.2.3", "203.0.113.9", proxies, "203.0.113.9"],
    ["a spoofed entry on the left is not reached", "10.1.2.3", "6.6.6.6, 203.0.113.9", proxies, "203.0.113.9"],
    ["two trusted proxies in a row", "10.1.2.3", "6.6.6.6, 203.0.113.9, 192.0.2.1", proxies, "203.0.113.9"],
    ["all trusted: the left-most", "10.1.2.3", "10.9.9.9", proxies, "10.9.9.9"],
    ["a broken hop: the last trusted proxy", "10.1.2.3", "not-an-ip", proxies, "10.1.2.3"],
    ["IPv4-mapped peer", "::ffff:10.1.2.3", "203.0.113.9", proxies, "203.0.113.9"],
    ["IPv6 loopback proxy, port in the entry", "::1", "[2001:db8::1]:4711", proxies, "2001:db8::1"],
    ["IPv4 with a port", "::1", "203.0.113.9:1234", proxies, "203.0.113.9"],
    ["no header", "10.1.2.3", null, proxies, "10.1.2.3"],
    ["no peer at all", null, "203.0.113.9", proxies, "unknown"],
  ])("%s", (_what, peer, xff, list, expected) => {
    expect(resolveClientIp(peer, xff, list)).toBe(expected);
  });
});

describe("normalizeIp and throttleKey", () => {
  it("normalizes addresses and refuses what is not one", () => {
    expect(normalizeIp(" ::FFFF:127.0.0.1 ")).toBe("127.0.0.1");
    expect(normalizeIp("FE80::1%eth0")).toBe("fe80::1");
    expect(normalizeIp("example.com")).toBeNull();
    expect(normalizeIp("")).toBeNull();
  });

  it("counts IPv6 clients per /64 and IPv4 per address", () => {
    expect(throttleKey("2001:db8:1:2:aaaa::1")).toBe("2001:db8:1:2::/64");
    expect(throttleKey("2001:db8:1:2::ffff")).toBe("2001:db8:1:2::/64");
    expect(throttleKey("2001:db8::1")).toBe("2001:db8:0:0::/64");
    expect(throttleKey("::ffff:1.2.3.4".replace("::ffff:", ""))).toBe("1.2.3.4");
    expect(throttleKey("2001:db8:1:3::1")).not.toBe(throttleKey("2001:db8:1:2::1"));
  });
});
