// Harness smoke test: a fresh store opens, and the built server answers /api/health on it.
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore, type Store } from "@/lib/db/client";
import { startServer, type RunningServer } from "../support/server";
import { createTestDatabaseUrl, testStoreKind } from "../support/store";

describe(`store and server on ${testStoreKind()}`, () => {
  let databaseUrl: string;
  let server: RunningServer | undefined;

  beforeAll(async () => {
    databaseUrl = await createTestDatabaseUrl();
  });

  afterAll(async () => {
    await server?.stop();
  });

  it("opens and migrates a fresh store", async () => {
    const store: Store = await openStore(databaseUrl);
    try {
      expect(store.dialect).toBe(testStoreKind());
      const result = await sql<{ one: number }>`select 1 as one`.execute(store.db);
      expect(Number(result.rows[0]?.one)).toBe(1);
    } finally {
      await store.close();
    }
  });

  it("serves /api/health from the built server", async () => {
    server = await startServer({ databaseUrl });
    const response = await fetch(`${server.baseUrl}/api/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true });
  });
});
