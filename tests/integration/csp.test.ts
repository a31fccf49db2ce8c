// Finding 5 of issue 13: no 'unsafe-inline' scripts. Pages get a per-request nonce in their
// Content-Security-Policy (proxy.ts) and every script Next.js renders carries it; API answers
// keep a strict static policy. (tests/e2e/csp.spec.ts checks that pages still hydrate.)
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type RunningServer } from "../support/server";
import { createTestDatabaseUrl } from "../support/store";

function scriptSrc(csp: string | null): string {
  const directive = (csp ?? "")
    .split(";")
    .map((d) => d.trim())
    .find((d) => d.startsWith("script-src "));
  if (!directive) throw new Error(`no script-src in ${csp}`);
  return directive;
}

describe("Content-Security-Policy", () => {
  let server: RunningServer;

  beforeAll(async () => {
    server = await startServer({ databaseUrl: await createTestDatabaseUrl() });
  });
  afterAll(async () => server?.stop());

  it("gives each page a fresh nonce instead of 'unsafe-inline', on every script it renders", async () => {
    const nonces: string[] = [];
    for (let i = 0; i < 2; i++) {
      const res = await fetch(`${server.baseUrl}/signin`);
      expect(res.status).toBe(200);
      const directive = scriptSrc(res.headers.get("content-security-policy"));
      expect(directive).not.toContain("'unsafe-inline'");
      expect(directive).not.toContain("'unsafe-eval'");
      const nonce = /'nonce-([A-Za-z0-9+/=_-]{16,})'/.exec(directive)?.[1];
      expect(nonce).toBeDefined();
      nonces.push(nonce!);
      const html = await res.text();
      const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
      expect(scripts.length).toBeGreaterThan(0);
      for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);
    }
    expect(nonces[0]).not.toBe(nonces[1]);
  });

  it("answers API routes with a policy that allows no script at all", async () => {
    const res = await fetch(`${server.baseUrl}/api/health`);
    const csp = res.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain("unsafe-inline");
  });
});
