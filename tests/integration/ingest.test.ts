// Ingest through the CLI and POST /api/v1/ingest: bad lines reported by number, good ones kept.
import { gzipSync } from "node:zlib";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore, type Store } from "@/lib/db/client";
import { runCli, startServer, type RunningServer } from "../support/server";
import { createTestDatabaseUrl } from "../support/store";

const ev = (i: number, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ action: "user:login", timestamp: `2026-01-01T00:00:${String(i).padStart(2, "0")}Z`, actor_email: `u${i}@x.test`, ...extra });

const MIXED = [
  ev(1),
  '{"action": "user:login", "timestamp": ', // broken JSON
  ev(2),
  JSON.stringify({ action: "user:login", actor_email: "a@x.test" }), // missing timestamp
  JSON.stringify({ action: "user:login", timestamp: "2026-02-30T00:00:00Z" }), // invalid date
  "[1,2,3]", // not an object
  ev(3),
].join("\n");

async function countEvents(store: Store): Promise<number> {
  const row = await store.db
    .selectFrom("events")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

describe("orgtrail ingest (CLI)", () => {
  it("ingests the good lines, reports each bad one by number and exits 1", async () => {
    const databaseUrl = await createTestDatabaseUrl();
    const dir = mkdtempSync(join(tmpdir(), "orgtrail-ingest-"));
    const file = join(dir, "mixed.ndjson");
    writeFileSync(file, MIXED);
    const first = await runCli(["ingest", file], { databaseUrl });
    expect(first.code).toBe(1);
    expect(first.stdout.trim()).toBe("accepted 3, duplicates 0, rejected 4");
    const lines = first.stderr.split("\n").filter((l) => l.startsWith(file));
    expect(lines.map((l) => Number(l.slice(file.length + 1).split(":")[0]))).toEqual([2, 4, 5, 6]);
    expect(first.stderr).toContain(`${file}:2: invalid JSON`);
    expect(first.stderr).toContain(`${file}:4: missing required field "timestamp"`);
    expect(first.stderr).toContain(`${file}:5: field "timestamp": day out of range`);
    expect(first.stderr).toContain(`${file}:6: expected a JSON object`);

    const gz = join(dir, "again.ndjson.gz");
    writeFileSync(gz, gzipSync(Buffer.from([ev(1), ev(2), ev(3), ev(4)].join("\r\n") + "\r\n")));
    const again = await runCli(["ingest", gz], { databaseUrl });
    expect(again.code).toBe(0);
    expect(again.stdout.trim()).toBe("accepted 1, duplicates 3, rejected 0");

    const fromStdin = await runCli(["ingest", "-"], { databaseUrl, input: "\ufeff" + ev(5) });
    expect(fromStdin.stdout.trim()).toBe("accepted 1, duplicates 0, rejected 0");

    const store = await openStore(databaseUrl);
    try {
      expect(await countEvents(store)).toBe(5);
      const seqs = await store.db.selectFrom("events").select("seq").orderBy("seq").execute();
      expect(seqs.map((r) => Number(r.seq))).toEqual([1, 2, 3, 4, 5]);
    } finally {
      await store.close();
    }
  });

  it("exits 2 with a clear message for a missing file", async () => {
    const r = await runCli(["ingest", "/nonexistent/file.ndjson"], { databaseUrl: await createTestDatabaseUrl() });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("cannot read /nonexistent/file.ndjson");
  });
});

describe("POST /api/v1/ingest", () => {
  let server: RunningServer;
  let store: Store;
  let auth: Record<string, string>;

  beforeAll(async () => {
    const databaseUrl = await createTestDatabaseUrl();
    const key = (await runCli(["admin", "create", "ops"], { databaseUrl })).stdout.trim();
    auth = { Authorization: `Basic ${Buffer.from(`ops:${key}`).toString("base64")}` };
    server = await startServer({ databaseUrl, env: { ORGTRAIL_MAX_BODY_BYTES: "4096" } });
    store = await openStore(databaseUrl);
  });
  afterAll(async () => {
    await store?.close();
    await server?.stop();
  });

  const post = (body: BodyInit, headers: Record<string, string> = {}) =>
    fetch(`${server.baseUrl}/api/v1/ingest`, { method: "POST", body, headers: { ...auth, "Content-Type": "application/x-ndjson", ...headers } });

  it("answers accepted, duplicates and rejected lines", async () => {
    const res = await post(MIXED);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { accepted: number; duplicates: number; rejected: { line: number; error: string }[] };
    expect(body.accepted).toBe(3);
    expect(body.duplicates).toBe(0);
    expect(body.rejected.map((r) => r.line)).toEqual([2, 4, 5, 6]);
    const again = (await (await post(MIXED)).json()) as { accepted: number; duplicates: number };
    expect([again.accepted, again.duplicates]).toEqual([0, 3]);
  });

  it("rejects invalid UTF-8 and over-long lines by number, never replacing bytes", async () => {
    const bad = Buffer.concat([Buffer.from(ev(10) + "\n"), Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x7d, 0x0a]), Buffer.from(ev(11) + "\n")]);
    const body = (await (await post(bad)).json()) as { accepted: number; rejected: { line: number; error: string }[] };
    expect(body.accepted).toBe(2);
    expect(body.rejected).toEqual([{ line: 2, error: "invalid UTF-8" }]);
  });

  it("accepts a gzip body", async () => {
    const res = await post(gzipSync(Buffer.from(ev(20) + "\n" + ev(21))), { "Content-Encoding": "gzip" });
    const body = (await res.json()) as { accepted: number };
    expect(body.accepted).toBe(2);
  });

  it("413s a body over the limit", async () => {
    const lines = Array.from({ length: 200 }, (_, i) => ev(i % 60, { n: i })).join("\n");
    const res = await post(lines);
    expect(res.status).toBe(413);
    const body = (await res.json()) as { error: { code: string } };
    expect(body.error.code).toBe("payload_too_large");
  });

  it("refuses a cross-site request (CSRF)", async () => {
    const res = await post(ev(30), { Origin: "https://evil.example", "Sec-Fetch-Site": "cross-site" });
    expect(res.status).toBe(403);
  });

  it("requires an admin", async () => {
    const res = await fetch(`${server.baseUrl}/api/v1/ingest`, { method: "POST", body: ev(1) });
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toMatch(/^Basic/);
  });

  it("kept exactly what it acknowledged", async () => {
    expect(await countEvents(store)).toBe(7);
  });
});
