import { describe, expect, it } from "vitest";
import { checkOperatorUrl, checkUntrustedUrl } from "@/lib/net/outbound";
import { allowedHosts, BlockedUrlError, isBlockedAddress, isMetadataAddress } from "@/lib/net/ssrf";

const publicDns = async () => ["93.184.216.34"];
const NONE = new Set<string>();

describe("isBlockedAddress (the untrusted rule)", () => {
  it.each([
    "127.0.0.1",
    "127.1.2.3",
    "10.0.0.1",
    "172.16.5.4",
    "172.31.255.255",
    "192.168.1.1",
    "169.254.169.254",
    "100.64.0.1",
    "0.0.0.0",
    "224.0.0.1",
    "::1",
    "::",
    "fe80::1",
    "fd00:ec2::254",
    "fc00::1",
    "::ffff:127.0.0.1",
    "::ffff:7f00:1",
    "::ffff:169.254.169.254",
    "64:ff9b::a9fe:a9fe",
    "ff02::1",
    "100.100.100.200",
    "168.63.129.16",
  ])("blocks %s", (ip) => expect(isBlockedAddress(ip)).toBe(true));
  it.each(["93.184.216.34", "8.8.8.8", "172.32.0.1", "2606:4700::1111", "::ffff:8.8.8.8"])("allows %s", (ip) => expect(isBlockedAddress(ip)).toBe(false));
});

describe("isMetadataAddress (the operator rule)", () => {
  it.each([
    "169.254.169.254",
    "169.254.170.2",
    "169.254.0.1",
    "100.100.100.200",
    "168.63.129.16",
    "fd00:ec2::254",
    "fe80::1",
    "fe80::a9fe:a9fe%eth0",
    "::ffff:169.254.169.254",
    "::ffff:a9fe:a9fe",
    "64:ff9b::a9fe:a9fe",
    "224.0.0.1",
    "255.255.255.255",
    "ff02::1",
    "not-an-ip",
  ])("refuses %s", (ip) => expect(isMetadataAddress(ip)).toBe(true));
  it.each([
    "127.0.0.1",
    "10.0.0.5",
    "172.16.5.4",
    "192.168.1.1",
    "100.64.0.1",
    "::1",
    "fc00::1",
    "fd12:3456::1",
    "fd00:ec2::1",
    "::ffff:10.0.0.5",
    "93.184.216.34",
    "2606:4700::1111",
  ])("lets %s through", (ip) => expect(isMetadataAddress(ip)).toBe(false));
});

describe("checkUntrustedUrl", () => {
  it.each([
    "http://127.0.0.1/",
    "http://localhost./",
    "http://0x7f000001/",
    "http://2130706433/",
    "http://0177.0.0.1/",
    "http://127.1/",
    "http://[::1]:8080/",
    "http://169.254.169.254/latest/meta-data/",
    "http://[::ffff:a9fe:a9fe]/",
    "http://10.1.2.3:9000/",
  ])("refuses %s", async (url) => {
    await expect(checkUntrustedUrl(url, { allow: NONE, resolve: async () => ["127.0.0.1"] })).rejects.toBeInstanceOf(BlockedUrlError);
  });

  it("refuses a DNS name that resolves to a private address, even when another address is public", async () => {
    await expect(checkUntrustedUrl("https://rebind.example/", { allow: NONE, resolve: async () => ["93.184.216.34", "10.0.0.5"] })).rejects.toThrow(
      /10\.0\.0\.5/,
    );
  });

  it("refuses other schemes and credentials in URLs", async () => {
    await expect(checkUntrustedUrl("file:///etc/passwd", { allow: NONE, resolve: publicDns })).rejects.toThrow(/only http/);
    await expect(checkUntrustedUrl("https://user:pw@example.com/", { allow: NONE, resolve: publicDns })).rejects.toThrow(/credentials/);
  });

  it("accepts public hosts, and private ones an admin allowed by name", async () => {
    await expect(checkUntrustedUrl("https://hooks.slack.com/services/x", { allow: NONE, resolve: publicDns })).resolves.toBeInstanceOf(URL);
    await expect(checkUntrustedUrl("http://127.0.0.1:9000/", { allow: allowedHosts("127.0.0.1, minio.internal") })).resolves.toBeInstanceOf(URL);
    await expect(
      checkUntrustedUrl("http://minio.internal:9000/", { allow: allowedHosts("minio.internal:9000"), resolve: async () => ["10.0.0.5"] }),
    ).resolves.toBeInstanceOf(URL);
  });
});

describe("checkOperatorUrl", () => {
  it.each(["http://127.0.0.1:3001/", "http://[::1]/", "http://10.1.2.3:9000/", "http://192.168.0.7/", "http://0x7f000001/", "http://wandb.internal/"])(
    "accepts %s without an allow list",
    async (url) => {
      await expect(checkOperatorUrl(url, { allow: NONE, resolve: async () => ["10.0.0.5"] })).resolves.toBeInstanceOf(URL);
    },
  );

  it.each([
    "http://169.254.169.254/latest/meta-data/",
    "http://2852039166/",
    "http://[fd00:ec2::254]/",
    "http://[::ffff:a9fe:a9fe]/",
    "http://[fe80::1]/",
    "http://100.100.100.200/",
    "http://metadata.google.internal/",
  ])("refuses %s", async (url) => {
    await expect(checkOperatorUrl(url, { allow: NONE, resolve: async () => ["169.254.169.254"] })).rejects.toThrow(
      /link-local, cloud metadata or reserved address; add it to ORGTRAIL_ALLOWED_HOSTS/,
    );
  });

  it("lets a metadata address through when the operator named it", async () => {
    await expect(checkOperatorUrl("http://169.254.169.254/", { allow: allowedHosts("169.254.169.254") })).resolves.toBeInstanceOf(URL);
  });
});

describe("allowedHosts", () => {
  it("reads names and addresses, ignoring ports, brackets, case and a trailing dot", () => {
    expect([...allowedHosts(" MinIO.internal:9000, 10.0.0.5,[::1]:8080 , fd00::1, wandb.local., ")]).toEqual([
      "minio.internal",
      "10.0.0.5",
      "::1",
      "fd00::1",
      "wandb.local",
    ]);
  });
});
