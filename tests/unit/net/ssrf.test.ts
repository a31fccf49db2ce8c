import { describe, expect, it } from "vitest";
import { allowedHosts, assertOutboundUrl, BlockedUrlError, isBlockedAddress } from "@/lib/net/ssrf";

const publicDns = async () => ["93.184.216.34"];

describe("isBlockedAddress", () => {
  it.each([
    "127.0.0.1", "127.1.2.3", "10.0.0.1", "172.16.5.4", "172.31.255.255", "192.168.1.1", "169.254.169.254", "100.64.0.1",
    "0.0.0.0", "224.0.0.1", "::1", "::", "fe80::1", "fd00:ec2::254", "fc00::1", "::ffff:127.0.0.1", "::ffff:7f00:1",
    "::ffff:169.254.169.254", "64:ff9b::a9fe:a9fe", "ff02::1",
  ])("blocks %s", (ip) => expect(isBlockedAddress(ip)).toBe(true));
  it.each(["93.184.216.34", "8.8.8.8", "172.32.0.1", "2606:4700::1111", "::ffff:8.8.8.8"])("allows %s", (ip) =>
    expect(isBlockedAddress(ip)).toBe(false),
  );
});

describe("assertOutboundUrl", () => {
  it.each([
    "http://127.0.0.1/", "http://localhost./", "http://0x7f000001/", "http://2130706433/", "http://0177.0.0.1/", "http://127.1/",
    "http://[::1]:8080/", "http://169.254.169.254/latest/meta-data/", "http://[::ffff:a9fe:a9fe]/", "http://10.1.2.3:9000/",
  ])("refuses %s", async (url) => {
    await expect(assertOutboundUrl(url, { resolve: async (h) => (h.startsWith("localhost") ? ["127.0.0.1"] : ["127.0.0.1"]) })).rejects.toBeInstanceOf(BlockedUrlError);
  });

  it("refuses a DNS name that resolves to a private address, even when another address is public", async () => {
    await expect(assertOutboundUrl("https://rebind.example/", { resolve: async () => ["93.184.216.34", "10.0.0.5"] })).rejects.toThrow(/10\.0\.0\.5/);
  });

  it("refuses other schemes and credentials in URLs", async () => {
    await expect(assertOutboundUrl("file:///etc/passwd", { resolve: publicDns })).rejects.toThrow(/only http/);
    await expect(assertOutboundUrl("https://user:pw@example.com/", { resolve: publicDns })).rejects.toThrow(/credentials/);
  });

  it("accepts public hosts, and private ones an admin allowed by name", async () => {
    await expect(assertOutboundUrl("https://hooks.slack.com/services/x", { resolve: publicDns })).resolves.toBeInstanceOf(URL);
    await expect(assertOutboundUrl("http://127.0.0.1:9000/", { allow: allowedHosts("127.0.0.1, minio.internal") })).resolves.toBeInstanceOf(URL);
  });
});
