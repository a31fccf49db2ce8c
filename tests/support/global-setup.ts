// Integration global setup: one temp dir per run (SQLite stores, server pid files), and
// with ORGTRAIL_TEST_STORE=postgres one PostgreSQL cluster shared by every test file
// (each test still gets its own database from store.ts). Teardown removes all of it and
// kills any server a test forgot to stop.
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { startPostgres, type TestCluster } from "./postgres";

declare module "vitest" {
  export interface ProvidedContext {
    /** postgres://postgres@127.0.0.1:PORT (no database), or "" when the store is SQLite. */
    pgBaseUrl: string;
    /** A temp dir removed after the run: SQLite stores and server pid files go there. */
    testTmpRoot: string;
  }
}

let cluster: TestCluster | undefined;
let tmpRoot: string | undefined;

export async function setup(project: TestProject): Promise<void> {
  tmpRoot = mkdtempSync(join(tmpdir(), "orgtrail-run-"));
  project.provide("testTmpRoot", tmpRoot);

  const store = process.env.ORGTRAIL_TEST_STORE ?? "sqlite";
  if (store !== "postgres") {
    project.provide("pgBaseUrl", "");
    return;
  }
  // An already running cluster can be reused (e.g. for a debugging session).
  const external = process.env.ORGTRAIL_TEST_PG_BASE_URL;
  if (external) {
    project.provide("pgBaseUrl", external.replace(/\/+$/, ""));
    return;
  }
  cluster = await startPostgres();
  project.provide("pgBaseUrl", cluster.baseUrl);
}

export async function teardown(): Promise<void> {
  if (tmpRoot) {
    const pidDir = join(tmpRoot, "server-pids");
    let leftovers: string[] = [];
    try {
      leftovers = readdirSync(pidDir);
    } catch {
      // no server was started
    }
    for (const pid of leftovers) {
      try {
        process.kill(-Number(pid), "SIGKILL");
      } catch {
        // already gone
      }
    }
  }
  try {
    await cluster?.stop();
  } finally {
    cluster = undefined;
    if (tmpRoot) rmSync(tmpRoot, { recursive: true, force: true });
    tmpRoot = undefined;
  }
}
