// The users list and CSV are served from a cached, pre-compressed answer (lib/queries/users-answer.ts):
// against the built server, a change made by another process (CLI ingest, CLI users import, a
// direct write to the store) shows in the very next answer; every encoding decodes to the same
// bytes; errors on these paths are encoded as announced; ETag / If-None-Match answers 304.
import { request as httpRequest } from "node:http";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore } from "@/lib/db/client";
import { runCli, startServer, type RunningServer } from "../support/server";
import { createTestDatabaseUrl, testStoreKind } from "../support/store";

const EXAMPLE = new URL("../fixtures/small-org", import.meta.url).pathname;
const HEADER = '"Name","Username","Last active","Role","Email","Teams","Status","Number of Reports","Number of Runs","Number of active days","Models Seat"';

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A GET without fetch's transparent decoding: the bytes as sent. */
function rawGet(base: string, path: string, headers: Record<string, string>): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${base}${path}`, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}

function decoded(r: Raw): string {
  const encoding = r.headers["content-encoding"];
  if (encoding === "gzip") return gunzipSync(r.body).toString("utf8");
  if (encoding === "br") return brotliDecompressSync(r.body).toString("utf8");
  expect(encoding).toBeUndefined();
  return r.body.toString("utf8");
}

describe(`users answer cache on ${testStoreKind()} (built server, changes from other processes)`, () => {
  let databaseUrl = "";
  let server: RunningServer;
  let auth = "";
  const dir = mkdtempSync(join(tmpdir(), "orgtrail-users-cache-"));

  const get = (path: string, headers: Record<string, string> = {}) => rawGet(server.baseUrl, path, { authorization: auth, ...headers });
  const users = async () =>
    JSON.parse(decoded(await get("/api/v1/users", { "accept-encoding": "gzip, deflate, br" }))) as {
      asOf: string;
      users: { username: string; name: string | null; lastActive: string | null; activeDays: number }[];
    };
  const csv = async () => decoded(await get("/api/v1/users/export.csv", { "accept-encoding": "gzip" }));

  beforeAll(async () => {
    databaseUrl = await createTestDatabaseUrl();
    const key = (await runCli(["admin", "create", "boss"], { databaseUrl })).stdout.trim();
    auth = `Basic ${Buffer.from(`boss:${key}`).toString("base64")}`;
    expect((await runCli(["import-users", join(EXAMPLE, "users.csv")], { databaseUrl })).code).toBe(0);
    expect((await runCli(["ingest", join(EXAMPLE, "events.ndjson")], { databaseUrl })).code).toBe(0);
    server = await startServer({ databaseUrl, env: { ORGTRAIL_TODAY: "2026-03-31", ORGTRAIL_DEPLOYMENT: "self-managed" } });
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
  });

  it("every encoding of the list and the CSV decodes to the same bytes, with the encoding announced", async () => {
    for (const path of ["/api/v1/users", "/api/v1/users/export.csv", "/api/v1/users?asOf=2026-03-01"]) {
      const plain = await get(path, { "accept-encoding": "identity" });
      expect(plain.status).toBe(200);
      expect(plain.headers["content-encoding"]).toBeUndefined();
      const gz = await get(path, { "accept-encoding": "gzip, deflate" });
      const br = await get(path, { "accept-encoding": "gzip, deflate, br, zstd" });
      expect(gz.headers["content-encoding"]).toBe("gzip");
      expect(br.headers["content-encoding"]).toBe("br");
      expect(String(gz.headers.vary)).toMatch(/accept-encoding/i);
      expect(gunzipSync(gz.body).equals(plain.body)).toBe(true);
      expect(brotliDecompressSync(br.body).equals(plain.body)).toBe(true);
      // Repeated (cached) answers are the same bytes.
      expect((await get(path, { "accept-encoding": "identity" })).body.equals(plain.body)).toBe(true);
    }
    // fetch (as a browser does) decodes it transparently.
    const viaFetch = await fetch(`${server.baseUrl}/api/v1/users`, { headers: { authorization: auth } });
    expect(((await viaFetch.json()) as { users: unknown[] }).users.length).toBeGreaterThan(0);
  });

  it("errors of these paths are encoded as announced too", async () => {
    const unauthorized = await rawGet(server.baseUrl, "/api/v1/users", { "accept-encoding": "gzip" });
    expect(unauthorized.status).toBe(401);
    expect(unauthorized.headers["content-encoding"]).toBe("gzip");
    expect(JSON.parse(decoded(unauthorized))).toMatchObject({ error: { code: "unauthorized" } });
    const bad = await get("/api/v1/users/export.csv?asOf=2026-02-30", { "accept-encoding": "br" });
    expect(bad.status).toBe(400);
    expect(JSON.parse(decoded(bad))).toMatchObject({ error: { code: "bad_request" } });
  });

  it("an ingest by the CLI while the server runs shows in the next answer (list and CSV)", async () => {
    const before = await users();
    const csvBefore = await csv();
    expect(before.users.some((u) => u.username === "zed")).toBe(false);
    const file = join(dir, "more.ndjson");
    writeFileSync(
      file,
      [
        JSON.stringify({ action: "user:login", timestamp: "2026-03-31T08:00:00Z", actor_user_id: "U77", actor_email: "zed@acme.test", actor_username: "zed" }),
        JSON.stringify({ action: "user:login", timestamp: "2026-03-31T09:00:00Z", actor_email: "bo@acme.test" }),
      ].join("\n") + "\n",
    );
    expect((await runCli(["ingest", file], { databaseUrl })).code).toBe(0);
    const after = await users();
    expect(after.users.length).toBe(before.users.length + 1);
    const bo = after.users.find((u) => u.username === "bo")!;
    expect(bo.lastActive).toBe("2026-03-31T09:00:00.000Z");
    expect(bo.activeDays).toBe(before.users.find((u) => u.username === "bo")!.activeDays + 1);
    const csvAfter = await csv();
    expect(csvAfter).not.toBe(csvBefore);
    expect(csvAfter).toContain("zed@acme.test");
  });

  it("a users import by the CLI while the server runs shows in the next answer (no event appended)", async () => {
    expect((await users()).users.find((u) => u.username === "ana")!.name).toBe("Ana A");
    expect(await csv()).toContain('"Ana A"');
    const file = join(dir, "rename.csv");
    const original = readFileSync(join(EXAMPLE, "users.csv"), "utf8");
    writeFileSync(
      file,
      `${HEADER}\n${original
        .split("\n")
        .find((l) => l.includes('"ana@acme.test"'))!
        .replace('"Ana A"', '"Ana Renamed"')}\n`,
    );
    expect((await runCli(["import-users", file], { databaseUrl })).code).toBe(0);
    expect((await users()).users.find((u) => u.username === "ana")!.name).toBe("Ana Renamed");
    expect(await csv()).toContain('"Ana Renamed"');
  });

  it("a direct write to the store by another connection shows in the next answer", async () => {
    await users();
    const store = await openStore(databaseUrl);
    try {
      await store.db.updateTable("users").set({ name: "Written Directly" }).where("username", "=", "bo").execute();
    } finally {
      await store.close();
    }
    expect((await users()).users.find((u) => u.username === "bo")!.name).toBe("Written Directly");
  });

  it("answers 304 to If-None-Match with the current ETag, and 200 after a change", async () => {
    const first = await get("/api/v1/users", { "accept-encoding": "gzip" });
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^W\/"/);
    const again = await get("/api/v1/users", { "accept-encoding": "gzip", "if-none-match": etag });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
    const store = await openStore(databaseUrl);
    try {
      await store.db.updateTable("users").set({ runs: 999 }).where("username", "=", "bo").execute();
    } finally {
      await store.close();
    }
    const changed = await get("/api/v1/users", { "accept-encoding": "gzip", "if-none-match": etag });
    expect(changed.status).toBe(200);
    expect(changed.headers.etag).not.toBe(etag);
  });
});
