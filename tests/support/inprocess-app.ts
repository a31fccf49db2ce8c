// The route handlers called in-process on a fresh test store (no server): an admin account's
// Basic credentials, the environment the routes read (the store, a fixed today, self-managed),
// and, after the suite, the store closed and the environment as it was. Call inside a describe.
import { afterAll, beforeAll } from "vitest";
import { getStore } from "@/lib/db/client";
import { resetEnvCache } from "@/lib/env";
import { runCli } from "./server";
import { createTestDatabaseUrl } from "./store";

export interface InProcessApp {
  /** The test store's URL (set in beforeAll). */
  readonly databaseUrl: string;
  /** A GET request for a route handler, signed in as the admin. */
  get(path: string): Request;
}

/** `prepare` runs on the new store (CLI imports, ingests) before the routes' environment is set. */
export function useInProcessApp(prepare: (databaseUrl: string) => Promise<void>, today = "2026-03-31"): InProcessApp {
  const saved = { ...process.env };
  let databaseUrl = "";
  let auth = "";
  beforeAll(async () => {
    databaseUrl = await createTestDatabaseUrl();
    const key = (await runCli(["admin", "create", "boss"], { databaseUrl })).stdout.trim();
    auth = `Basic ${Buffer.from(`boss:${key}`).toString("base64")}`;
    await prepare(databaseUrl);
    process.env.ORGTRAIL_DATABASE_URL = databaseUrl;
    process.env.ORGTRAIL_TODAY = today;
    process.env.ORGTRAIL_DEPLOYMENT = "self-managed";
    resetEnvCache();
  }, 60_000);
  afterAll(async () => {
    await (await getStore()).close();
    process.env = saved;
    resetEnvCache();
  });
  return {
    get databaseUrl() {
      return databaseUrl;
    },
    get: (path: string) => new Request(`http://localhost${path}`, { headers: { authorization: auth } }),
  };
}
