// Finding 2 of issue 13: a body is cut off at its route's limit while it is read, never read
// whole first. Against the built server: parallel multi-GB bodies streamed to the sign-in
// route and a settings route get 413 quickly, and the server's memory does not grow.
import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, startServer, type RunningServer } from "../support/server";
import { createTestDatabaseUrl, testStoreKind } from "../support/store";

const MiB = 1024 * 1024;
/** What each client offers to send: far more than the server may hold (smaller only to watch the test fail safely on code that reads bodies whole). */
const OFFERED = Number(process.env.ORGTRAIL_TEST_BODY_OFFER_MIB ?? 4096) * MiB;

interface Outcome {
  status: number;
  sentBytes: number;
  ms: number;
}

/** POSTs (or PUTs) an endless chunked body until the server answers; then hangs up. */
function streamBody(url: string, method: string, headers: Record<string, string>): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const chunk = Buffer.alloc(MiB, 0x61);
    let sent = 0;
    let answered = false;
    const req = request(url, { method, headers: { ...headers, "transfer-encoding": "chunked" } });
    req.on("response", (res) => {
      answered = true;
      res.resume();
      resolve({ status: res.statusCode ?? 0, sentBytes: sent, ms: performance.now() - started });
      req.destroy();
    });
    req.on("error", (error) => {
      if (!answered) reject(error);
    });
    const pump = () => {
      while (!answered && sent < OFFERED) {
        sent += chunk.length;
        if (!req.write(chunk)) {
          req.once("drain", pump);
          return;
        }
      }
      if (!answered) req.end();
    };
    pump();
  });
}

async function residentBytes(server: RunningServer): Promise<number> {
  const text = await (await fetch(`${server.baseUrl}/metrics`)).text();
  const m = /^orgtrail_process_resident_memory_bytes (\d+(?:\.\d+)?(?:e\+\d+)?)$/m.exec(text);
  if (!m) throw new Error("no orgtrail_process_resident_memory_bytes in /metrics");
  return Number(m[1]);
}

describe(`request bodies are limited while read (${testStoreKind()})`, () => {
  let server: RunningServer;
  let auth = "";

  beforeAll(async () => {
    const databaseUrl = await createTestDatabaseUrl();
    const key = (await runCli(["admin", "create", "admin"], { databaseUrl })).stdout.trim();
    auth = `Basic ${Buffer.from(`admin:${key}`).toString("base64")}`;
    server = await startServer({ databaseUrl });
  });
  afterAll(async () => server?.stop());

  it("answers 413 to parallel multi-GB bodies on sign-in and a settings route, quickly, without growing", async () => {
    // Warm both routes up (first compilation of their modules) so memory is measured at rest.
    expect((await fetch(`${server.baseUrl}/api/v1/session`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" })).status).toBe(400);
    expect(
      (
        await fetch(`${server.baseUrl}/api/v1/settings/notifications/rules`, {
          method: "PUT",
          headers: { "content-type": "application/json", authorization: auth },
          body: "{}",
        })
      ).status,
    ).toBe(400);
    const before = await residentBytes(server);

    const json = { "content-type": "application/json" };
    const outcomes = await Promise.all([
      ...[1, 2, 3].map(() => streamBody(`${server.baseUrl}/api/v1/session`, "POST", json)),
      ...[1, 2, 3].map(() => streamBody(`${server.baseUrl}/api/v1/settings/notifications/rules`, "PUT", { ...json, authorization: auth })),
    ]);
    const after = await residentBytes(server);

    console.info(
      `body limits: ${outcomes.map((o) => `${o.status} after ${Math.round(o.sentBytes / MiB)} MiB in ${Math.round(o.ms)} ms`).join("; ")}; RSS ${Math.round(before / MiB)} -> ${Math.round(after / MiB)} MiB`,
    );
    for (const o of outcomes) {
      expect(o.status).toBe(413);
      // Quickly: long before a multi-GB body could have been read.
      expect(o.ms).toBeLessThan(15_000);
      expect(o.sentBytes).toBeLessThan(512 * MiB);
    }
    // Six bodies of 4 GiB offered; the server's resident memory grew by less than 100 MiB.
    expect(after - before).toBeLessThan(100 * MiB);
    // And it still answers.
    expect((await fetch(`${server.baseUrl}/api/health`)).status).toBe(200);
  });
});
