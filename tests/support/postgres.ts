// A throwaway PostgreSQL 15 cluster for tests (recipe: /work/shared/STACK.md):
// initdb into a temp dir, loopback only, a free port, fsync off. Ready in ~1.5 s.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";

export const PG_BIN = process.env.ORGTRAIL_PG_BIN ?? "/usr/lib/postgresql/15/bin";

export interface TestCluster {
  /** Base URL of the cluster, without a database name. */
  baseUrl: string;
  /** Its data directory (postmaster.pid, the log). */
  dataDir: string;
  /** URL of one database on the cluster. */
  url(dbName: string): string;
  /** Creates a database and returns its URL. */
  createDatabase(name: string): Promise<string>;
  stop(): Promise<void>;
}

/** A port that was free a moment ago on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      if (address === null || typeof address === "string") {
        server.close();
        reject(new Error("could not read the port of a listening socket"));
        return;
      }
      server.close(() => resolve(address.port));
    });
  });
}

/** Database names go into DDL unquoted-safe: letters, digits and underscores only. */
export function assertDatabaseName(name: string): void {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`invalid test database name: ${name}`);
}

export function baseUrlFor(port: number): string {
  return `postgres://postgres@127.0.0.1:${port}`;
}

/** Creates a database on the cluster at baseUrl and returns its URL. */
export async function createDatabaseAt(baseUrl: string, name: string): Promise<string> {
  assertDatabaseName(name);
  const client = new pg.Client({ connectionString: `${baseUrl}/postgres` });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  return `${baseUrl}/${name}`;
}

export interface ClusterOptions {
  /** PostgreSQL's defaults for fsync, synchronous_commit and full_page_writes (tests turn them off). */
  durable?: boolean;
  /** More settings, each `name=value`. */
  settings?: string[];
  /** Leave it running when this process exits (a bench's --keep). */
  keep?: boolean;
}

export async function startPostgres(options: ClusterOptions = {}): Promise<TestCluster> {
  if (!existsSync(join(PG_BIN, "initdb"))) {
    throw new Error(`PostgreSQL 15 is not installed (${PG_BIN} is missing): run \`apt-get update && apt-get install -y postgresql\``);
  }
  // initdb refuses to run as root: run the server binaries as the postgres user then.
  const asRoot = process.getuid?.() === 0;
  const run = (bin: string, args: string[]) => {
    const command = asRoot ? "runuser" : join(PG_BIN, bin);
    const fullArgs = asRoot ? ["-u", "postgres", "--", join(PG_BIN, bin), ...args] : args;
    const result = spawnSync(command, fullArgs, { encoding: "utf8", timeout: 60_000 });
    if (result.status !== 0) {
      throw new Error(`${bin} failed (exit ${result.status ?? result.signal}): ${result.stderr || result.stdout || String(result.error)}`);
    }
  };

  const dataDir = mkdtempSync(join(tmpdir(), "orgtrail-pg-"));
  if (asRoot) execFileSync("chown", ["postgres:postgres", dataDir]);

  const port = await freePort();
  let started = false;
  const stopSync = () => {
    if (started) {
      started = false;
      try {
        run("pg_ctl", ["-D", dataDir, "-m", "immediate", "-w", "stop"]);
      } catch {
        // best effort on the way out
      }
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  // If the test runner dies without teardown, do not leave a postgres behind.
  const onExit = () => stopSync();
  if (!options.keep) process.once("exit", onExit);

  try {
    run("initdb", ["-D", dataDir, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"]);
    run("pg_ctl", [
      "-D",
      dataDir,
      "-l",
      join(dataDir, "log"),
      "-w",
      "-t",
      "30",
      "-o",
      [
        `-c listen_addresses=127.0.0.1 -p ${port} -k ${dataDir} -c max_connections=200`,
        ...(options.durable ? [] : ["fsync=off", "synchronous_commit=off", "full_page_writes=off"].map((x) => `-c ${x}`)),
        ...(options.settings ?? []).map((x) => `-c ${x}`),
      ].join(" "),
      "start",
    ]);
    started = true;
  } catch (error) {
    process.removeListener("exit", onExit);
    stopSync();
    throw error;
  }

  const baseUrl = baseUrlFor(port);
  return {
    baseUrl,
    dataDir,
    url: (dbName) => {
      assertDatabaseName(dbName);
      return `${baseUrl}/${dbName}`;
    },
    createDatabase: (name) => createDatabaseAt(baseUrl, name),
    stop: async () => {
      process.removeListener("exit", onExit);
      if (started) {
        started = false;
        run("pg_ctl", ["-D", dataDir, "-m", "fast", "-w", "stop"]);
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
