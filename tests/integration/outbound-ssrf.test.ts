// lib/net/outbound.ts against real sockets on loopback: an operator URL reaches 127.0.0.1 with no
// allow list and never a metadata address; an untrusted URL never reaches loopback; the
// connection goes to the address that was checked (DNS rebinding), redirects are checked again.
import { execFile, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authorizationUrl, newFlow } from "@/lib/auth/sso/provider";
import { operatorFetch, untrustedFetch, type Resolver } from "@/lib/net/outbound";
import { BlockedUrlError } from "@/lib/net/ssrf";
import { PROJECT_ROOT } from "../support/server";
import { testTmpRoot } from "../support/store";

const NONE = new Set<string>();

interface Recorded {
  url: string;
  host: string;
}

let server: Server;
let port = 0;
const seen: Recorded[] = [];
let handler: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.end("ok");

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push({ url: req.url ?? "", host: req.headers.host ?? "" });
    handler(req, res);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

/** A resolver answering `answers[i]` at its i-th call (the last one after that), counting its calls. */
function sequence(...answers: string[][]): Resolver & { calls: number } {
  const resolve = async () => answers[Math.min(resolve.calls++, answers.length - 1)]!;
  resolve.calls = 0;
  return resolve;
}

describe("operator URLs", () => {
  it("reach a server on 127.0.0.1 with no allow list", async () => {
    seen.length = 0;
    const res = await operatorFetch(`http://127.0.0.1:${port}/admin/audit_logs?numDays=1`, { headers: { authorization: "Basic eDp5" } }, { allow: NONE });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("ok");
    expect(seen).toEqual([{ url: "/admin/audit_logs?numDays=1", host: `127.0.0.1:${port}` }]);
  });

  it("reach a name resolving to loopback, and send bodies", async () => {
    seen.length = 0;
    handler = (req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString()));
      req.on("end", () => res.end(`${req.method} ${req.headers["content-type"]} ${body}`));
    };
    try {
      const res = await operatorFetch(
        `http://upstream.test:${port}/x`,
        { method: "POST", body: new URLSearchParams({ a: "1" }) },
        { allow: NONE, resolve: async () => ["127.0.0.1"] },
      );
      expect(await res.text()).toBe("POST application/x-www-form-urlencoded;charset=UTF-8 a=1");
      expect(seen[0]!.host).toBe(`upstream.test:${port}`);
    } finally {
      handler = (_req, res) => res.end("ok");
    }
  });

  it.each(["http://169.254.169.254/latest/meta-data/", "http://[fd00:ec2::254]/", "http://2852039166/", "http://[::ffff:169.254.169.254]/"])(
    "refuse %s before any connection",
    async (url) => {
      await expect(operatorFetch(url, {}, { allow: NONE })).rejects.toThrow(BlockedUrlError);
      await expect(operatorFetch(url, {}, { allow: NONE })).rejects.toThrow(/link-local, cloud metadata or reserved address/);
    },
  );

  it("refuse a name resolving to a metadata address", async () => {
    await expect(operatorFetch("http://metadata.google.internal/", {}, { allow: NONE, resolve: async () => ["169.254.169.254"] })).rejects.toThrow(
      /metadata\.google\.internal resolves to 169\.254\.169\.254/,
    );
  });

  it("connect to the address that was checked, not to what the name resolves to a moment later (DNS rebinding)", async () => {
    seen.length = 0;
    // Checked: 127.0.0.1 (fine for an operator URL). Any later lookup would say the metadata address.
    const resolve = sequence(["127.0.0.1"], ["169.254.169.254"]);
    const res = await operatorFetch(`http://rebind.test:${port}/pinned`, {}, { allow: NONE, resolve });
    expect(res.status).toBe(200);
    await res.text();
    expect(resolve.calls).toBe(1);
    expect(seen).toEqual([{ url: "/pinned", host: `rebind.test:${port}` }]);
  });
});

describe("untrusted URLs", () => {
  it.each([() => `http://127.0.0.1:${port}/hook`, () => `http://[::ffff:127.0.0.1]:${port}/hook`, () => `http://0x7f000001:${port}/hook`])(
    "never reach loopback (%#)",
    async (url) => {
      seen.length = 0;
      await expect(untrustedFetch(url(), { method: "POST", body: "{}" }, { allow: NONE })).rejects.toThrow(
        /private or reserved address; add it to ORGTRAIL_ALLOWED_HOSTS/,
      );
      expect(seen).toEqual([]);
    },
  );

  it("never reach loopback through a name either", async () => {
    seen.length = 0;
    await expect(untrustedFetch(`http://hooks.test:${port}/hook`, {}, { allow: NONE, resolve: async () => ["127.0.0.1"] })).rejects.toThrow(
      /hooks\.test resolves to 127\.0\.0\.1, a private or reserved address/,
    );
    expect(seen).toEqual([]);
  });

  it("connect only to the address that was checked (DNS rebinding to loopback)", async () => {
    seen.length = 0;
    // The name passes the check as a public address, then would resolve to loopback (as
    // `localhost` does for the system resolver). The connection must go to the checked address,
    // unreachable here: it fails, and nothing reaches the loopback server.
    const resolve = sequence(["203.0.113.7"], ["127.0.0.1"]);
    const error = await untrustedFetch(`http://localhost:${port}/hook`, { signal: AbortSignal.timeout(3_000) }, { allow: NONE, resolve }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(Error);
    expect(resolve.calls).toBe(1);
    expect(seen).toEqual([]);
  });

  it("reach a host the operator allowed by name", async () => {
    seen.length = 0;
    const res = await untrustedFetch(`http://127.0.0.1:${port}/hook`, {}, { allow: new Set(["127.0.0.1"]) });
    expect(res.status).toBe(200);
    expect(seen).toHaveLength(1);
  });
});

describe("redirects", () => {
  it("are refused by default, and checked again at each hop when followed", async () => {
    seen.length = 0;
    handler = (req, res) => {
      if (req.url === "/to-metadata") return void res.writeHead(302, { location: "http://169.254.169.254/latest/meta-data/" }).end();
      if (req.url === "/to-loopback") return void res.writeHead(307, { location: `http://127.0.0.1:${port}/landed` }).end();
      res.end(`landed ${req.headers.authorization ?? "-"}`);
    };
    try {
      const base = `http://127.0.0.1:${port}`;
      await expect(operatorFetch(`${base}/to-loopback`, {}, { allow: NONE })).rejects.toThrow(/answered a redirect \(HTTP 307\), which is not followed/);
      await expect(operatorFetch(`${base}/to-metadata`, {}, { allow: NONE, redirect: "follow" })).rejects.toThrow(/169\.254\.169\.254.*metadata/);
      const followed = await operatorFetch(`${base}/to-loopback`, { headers: { authorization: "Basic eDp5" } }, { allow: NONE, redirect: "follow" });
      expect(await followed.text()).toBe("landed Basic eDp5");
      expect(seen.map((s) => s.url)).toEqual(["/to-loopback", "/to-metadata", "/to-loopback", "/landed"]);
    } finally {
      handler = (_req, res) => res.end("ok");
    }
  });
});

describe("bodies", () => {
  it("stream, and an abort mid-body fails the read", async () => {
    handler = (_req, res) => {
      res.writeHead(200, { "content-type": "application/x-ndjson" });
      res.write('{"a":1}\n');
    };
    try {
      const controller = new AbortController();
      const res = await operatorFetch(`http://127.0.0.1:${port}/stream`, { signal: controller.signal }, { allow: NONE });
      const reader = res.body!.getReader();
      expect(new TextDecoder().decode((await reader.read()).value)).toBe('{"a":1}\n');
      setTimeout(() => controller.abort(new Error("watchdog")), 50);
      await expect(reader.read()).rejects.toThrow(/watchdog/);
    } finally {
      handler = (_req, res) => res.end("ok");
      server.closeAllConnections();
    }
  });
});

describe("https", () => {
  it("verifies the certificate against the URL's name while connecting to the checked address", async () => {
    const dir = mkdtempSync(join(testTmpRoot(), "outbound-tls-"));
    const made = spawnSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        join(dir, "key.pem"),
        "-out",
        join(dir, "cert.pem"),
        "-days",
        "1",
        "-subj",
        "/CN=hooks.test",
        "-addext",
        "subjectAltName=DNS:hooks.test",
      ],
      { encoding: "utf8" },
    );
    expect(made.status, made.stderr).toBe(0);
    const tls = createHttpsServer({ key: readFileSync(join(dir, "key.pem")), cert: readFileSync(join(dir, "cert.pem")) }, (req, res) =>
      res.end(`tls ${req.headers.host} ${req.headers["user-agent"]}`),
    );
    await new Promise<void>((r) => tls.listen(0, "127.0.0.1", r));
    const tlsPort = (tls.address() as AddressInfo).port;
    // The CA is trusted through NODE_EXTRA_CA_CERTS, read at start: a child process makes the calls.
    const script = join(dir, "call.mts");
    writeFileSync(
      script,
      `import { operatorFetch } from ${JSON.stringify(join(PROJECT_ROOT, "lib/net/outbound.ts"))};
const resolve = async () => ["127.0.0.1"];
const ok = await operatorFetch("https://hooks.test:${tlsPort}/x", {}, { allow: new Set(), resolve });
console.log(ok.status, await ok.text());
const wrong = await operatorFetch("https://other.test:${tlsPort}/x", {}, { allow: new Set(), resolve }).catch((e) => e);
console.log("wrong name:", wrong.code ?? wrong);
`,
    );
    try {
      // Asynchronously: the server answering it runs in this process.
      const child = await new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
        execFile(
          process.execPath,
          ["--import", "tsx/esm", script],
          { cwd: PROJECT_ROOT, timeout: 60_000, env: { ...process.env, NODE_EXTRA_CA_CERTS: join(dir, "cert.pem") } },
          (error, stdout, stderr) => resolve({ status: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr }),
        );
      });
      expect(child.status, child.stderr).toBe(0);
      expect(child.stdout).toContain(`200 tls hooks.test:${tlsPort} orgtrail`);
      expect(child.stdout).toContain("wrong name: ERR_TLS_CERT_ALTNAME_INVALID");
    } finally {
      tls.closeAllConnections();
      await new Promise((r) => tls.close(r));
    }
  });
});

describe("other clients", () => {
  it("the OpenID Connect client's discovery goes through the operator rule", async () => {
    const settings = {
      issuer: "https://169.254.169.254/realms/x",
      clientId: "orgtrail",
      clientSecret: undefined,
      redirectUri: "https://orgtrail.test/cb",
      scopes: "openid",
      roleClaim: "groups",
      roleMap: [],
    };
    const started = Date.now();
    await expect(authorizationUrl(settings, newFlow("/"))).rejects.toThrow(
      /discovery of https:\/\/169\.254\.169\.254\/realms\/x failed: .*link-local, cloud metadata or reserved address/,
    );
    expect(Date.now() - started).toBeLessThan(5_000); // refused, not tried
  });
});
