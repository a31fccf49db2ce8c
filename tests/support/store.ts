// A fresh, isolated store per caller: a new database on the shared test cluster when
// ORGTRAIL_TEST_STORE=postgres, else a new SQLite file in a temp dir.
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inject } from "vitest";
import { createDatabaseAt } from "./postgres";

export type TestStoreKind = "sqlite" | "postgres";

export function testStoreKind(): TestStoreKind {
  const kind = process.env.ORGTRAIL_TEST_STORE ?? "sqlite";
  if (kind !== "sqlite" && kind !== "postgres") {
    throw new Error(`ORGTRAIL_TEST_STORE must be "sqlite" or "postgres", not "${kind}"`);
  }
  return kind;
}

function pgBaseUrl(): string {
  let provided: string | undefined;
  try {
    provided = inject("pgBaseUrl");
  } catch {
    // not inside a vitest worker
  }
  const base = provided || process.env.ORGTRAIL_TEST_PG_BASE_URL;
  if (!base) {
    throw new Error(
      "ORGTRAIL_TEST_STORE=postgres but no test cluster: run through `vitest --project integration` (its globalSetup starts one) or set ORGTRAIL_TEST_PG_BASE_URL",
    );
  }
  return base;
}

/** The run's temp dir (removed by the global teardown), else the OS temp dir. */
export function testTmpRoot(): string {
  let root: string | undefined;
  try {
    root = inject("testTmpRoot");
  } catch {
    // not inside a vitest worker
  }
  if (!root) return tmpdir();
  mkdirSync(root, { recursive: true });
  return root;
}

/** Returns the URL of a new, empty store (pass it to openStore() or startServer()). */
export async function createTestDatabaseUrl(): Promise<string> {
  if (testStoreKind() === "postgres") {
    const name = `orgtrail_t_${randomBytes(6).toString("hex")}`;
    return createDatabaseAt(pgBaseUrl(), name);
  }
  const dir = mkdtempSync(join(testTmpRoot(), "sqlite-"));
  return `file:${join(dir, "orgtrail.db")}`;
}
