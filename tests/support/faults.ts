// Helpers of the fault tests (tests/integration/faults-*.test.ts, docs/RELIABILITY.md "Faults"):
// seeded NDJSON files, a CLI on a pseudo-terminal (its progress line), a process that holds
// SQLite's write lock, a TCP proxy that can be cut, and the store's all-or-nothing checks.
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { createServer, Socket, type Server } from "node:net";
import { join } from "node:path";
import { expect } from "vitest";
import { isActiveResponse, normalizeEvent } from "@/lib/audit/event";
import { dayNumber } from "@/lib/audit/timestamp";
import type { Store } from "@/lib/db/client";
import { sqlitePath } from "@/lib/db/dialect";
import { generateEventLines } from "@/lib/demo/generate";
import { PROJECT_ROOT, runCli } from "./server";

/** Writes `events` generated events (seeded) as NDJSON and returns their dedupe keys in file order. */
export function writeEventsFile(path: string, seed: number, events: number): string[] {
  const lines = [...generateEventLines({ seed, users: 200, events, endDate: "2026-10-31", days: 90 })];
  writeFileSync(path, lines.join("\n") + "\n");
  return dedupeKeys(lines);
}

export function dedupeKeys(lines: string[]): string[] {
  return lines.map((line) => {
    const result = normalizeEvent(JSON.parse(line));
    if (!result.ok) throw new Error(`generated an invalid event: ${result.error}`);
    return result.event.dedupeKey;
  });
}

export function readKeys(path: string): string[] {
  return dedupeKeys(
    readFileSync(path, "utf8")
      .split("\n")
      .filter((l) => l.length > 0),
  );
}

export async function countEvents(store: Store): Promise<number> {
  const row = await store.db
    .selectFrom("events")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls until `check` is true (or throws after `ms`). */
export async function waitFor(what: string, check: () => Promise<boolean> | boolean, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/**
 * The store holds exactly the events of `expected` (dedupe keys in sequence order) and
 * everything derived from them agrees: sequence numbers 1..n without a gap, the
 * organization's last_seq, the user_day and user_activity rollups, and `orgtrail verify`.
 * `ordered: false` when concurrent writers interleaved their batches.
 */
export async function expectConsistentStore(
  store: Store,
  databaseUrl: string,
  expected: string[],
  options: { ordered?: boolean; env?: Record<string, string> } = {},
): Promise<void> {
  const rows = await store.db.selectFrom("events").select(["seq", "dedupe_key", "actor_id", "ts", "response_code"]).orderBy("seq").execute();
  expect(rows.length).toBe(expected.length);
  expect(rows.every((r, i) => Number(r.seq) === i + 1)).toBe(true);
  if (options.ordered === false) expect(rows.map((r) => r.dedupe_key).sort()).toEqual([...expected].sort());
  else expect(rows.map((r) => r.dedupe_key)).toEqual(expected);
  const org = await store.db.selectFrom("organizations").select("last_seq").where("slug", "=", "default").executeTakeFirstOrThrow();
  expect(Number(org.last_seq)).toBe(rows.length);

  const days = new Map<string, { events: number; first_ts: number; last_ts: number }>();
  for (const r of rows) {
    if (r.actor_id === null || !isActiveResponse(r.response_code === null ? null : Number(r.response_code))) continue;
    const ts = Number(r.ts);
    const key = `${r.actor_id}:${dayNumber(ts)}`;
    const d = days.get(key);
    if (d) {
      d.events++;
      d.first_ts = Math.min(d.first_ts, ts);
      d.last_ts = Math.max(d.last_ts, ts);
    } else days.set(key, { events: 1, first_ts: ts, last_ts: ts });
  }
  const stored = await store.db.selectFrom("user_day").select(["user_id", "day", "events", "first_ts", "last_ts"]).execute();
  const storedDays = new Map(
    stored.map((d) => [`${d.user_id}:${d.day}`, { events: Number(d.events), first_ts: Number(d.first_ts), last_ts: Number(d.last_ts) }]),
  );
  expect(storedDays).toEqual(days);
  const perUser = new Map<number, number>();
  for (const d of stored) perUser.set(Number(d.user_id), (perUser.get(Number(d.user_id)) ?? 0) + 1);
  const activity = await store.db.selectFrom("user_activity").select(["user_id", "days"]).execute();
  expect(new Map(activity.filter((a) => Number(a.days) > 0).map((a) => [Number(a.user_id), Number(a.days)]))).toEqual(perUser);

  const verify = await runCli(["verify"], { databaseUrl, env: options.env });
  expect(verify.stderr + verify.stdout).not.toMatch(/FAIL|tamper|mismatch/i);
  expect(verify.code).toBe(0);
}

/** The CLI's progress line is printed on a terminal only: run it under script(1) to read it. */
export interface PtyCli {
  /** The highest "N accepted" the progress line has shown so far. */
  reportedAccepted(): number;
  /** Every "N accepted" shown, in order. */
  reports(): number[];
  /** SIGKILLs the CLI itself (not script). */
  kill9(): void;
  exited: Promise<number | null>;
  output(): string;
}

export function startCliOnPty(args: string[], databaseUrl: string, env: Record<string, string> = {}): PtyCli {
  const command = ["exec", process.execPath, join(PROJECT_ROOT, "bin/orgtrail.mjs"), ...args]
    .map((a) => `'${a.replaceAll("'", "'\\''")}'`)
    .join(" ")
    .replace(/^'exec'/, "exec");
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ORGTRAIL_DEMO: "0", ...env, ORGTRAIL_DATABASE_URL: databaseUrl, SHELL: "/bin/sh" };
  for (const key of Object.keys(childEnv)) if (key.startsWith("VITEST") || key === "NODE_ENV" || key === "TEST") delete childEnv[key];
  const child: ChildProcess = spawn("script", ["-qfec", command, "/dev/null"], { cwd: PROJECT_ROOT, stdio: ["pipe", "pipe", "pipe"], env: childEnv });
  let out = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    out += chunk.toString("utf8");
    if (out.length > 256 * 1024) out = out.slice(-128 * 1024);
  });
  child.stderr?.on("data", (chunk: Buffer) => (out += chunk.toString("utf8")));
  const exited = new Promise<number | null>((resolve) => child.once("close", (code) => resolve(code)));
  const reports = () => [...out.matchAll(/(\d+) accepted/g)].map((m) => Number(m[1]));
  return {
    reports,
    reportedAccepted: () => Math.max(0, ...reports()),
    kill9() {
      // script(1) runs the CLI (exec'd by its shell) in a new session on the pty: find it.
      const children = readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean);
      if (children.length !== 1) throw new Error(`expected one child of script, found ${JSON.stringify(children)}`);
      process.kill(Number(children[0]), "SIGKILL");
    },
    exited,
    output: () => out,
  };
}

/** Another process that takes SQLite's write lock (BEGIN IMMEDIATE) on "go" and holds it for `holdMs`. */
export interface LockHolder {
  /** Takes the lock; resolves once it is held. */
  lock(): Promise<void>;
  /** Resolves when the lock has been released (the holder committed a write). */
  released: Promise<void>;
  stop(): void;
}

export async function startLockHolder(databaseUrl: string, holdMs: number): Promise<LockHolder> {
  const script = `
    const Database = require("better-sqlite3");
    const db = new Database(process.argv[1], { timeout: 60000 });
    process.stdout.write("ready\\n");
    process.stdin.once("data", () => {
      db.exec("BEGIN IMMEDIATE");
      // A real write, so that a reader's snapshot from before it is stale after the commit.
      db.exec("CREATE TABLE IF NOT EXISTS fault_probe (x INTEGER); INSERT INTO fault_probe VALUES (1)");
      process.stdout.write("locked\\n");
      setTimeout(() => { db.exec("COMMIT"); process.stdout.write("released\\n"); db.close(); process.exit(0); }, ${holdMs});
    });`;
  const child = spawn(process.execPath, ["-e", script, sqlitePath(databaseUrl)], { cwd: PROJECT_ROOT, stdio: ["pipe", "pipe", "inherit"] });
  let out = "";
  const waiters: (() => void)[] = [];
  child.stdout!.on("data", (chunk: Buffer) => {
    out += chunk.toString("utf8");
    for (const w of waiters) w();
  });
  const seen = (word: string) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (out.includes(`${word}\n`)) resolve();
      };
      waiters.push(check);
      child.once("exit", () => (out.includes(`${word}\n`) ? resolve() : reject(new Error(`lock holder exited before "${word}"`))));
      check();
    });
  await seen("ready");
  const released = seen("released");
  released.catch(() => {});
  return {
    async lock() {
      const locked = seen("locked");
      child.stdin!.write("go\n");
      await locked;
    },
    released,
    stop: () => child.kill("SIGKILL"),
  };
}

/** A TCP proxy to `target` that can be cut (every connection destroyed, no longer listening) and restored on the same port. */
export interface CuttableProxy {
  port: number;
  cut(): Promise<void>;
  restore(): Promise<void>;
  close(): Promise<void>;
}

export async function startProxy(targetPort: number): Promise<CuttableProxy> {
  const sockets = new Set<Socket>();
  let server: Server | null = null;
  let port = 0;
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      const s = createServer((client) => {
        const upstream = new Socket();
        sockets.add(client);
        sockets.add(upstream);
        const drop = () => {
          client.destroy();
          upstream.destroy();
          sockets.delete(client);
          sockets.delete(upstream);
        };
        client.on("error", drop).on("close", drop);
        upstream.on("error", drop).on("close", drop);
        upstream.connect(targetPort, "127.0.0.1", () => {
          client.pipe(upstream);
          upstream.pipe(client);
        });
      });
      s.once("error", reject);
      s.listen(port, "127.0.0.1", () => {
        const address = s.address();
        if (address && typeof address !== "string") port = address.port;
        server = s;
        resolve();
      });
    });
  const cut = async () => {
    const s = server;
    server = null;
    for (const socket of sockets) socket.destroy();
    sockets.clear();
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  };
  await listen();
  return {
    get port() {
      return port;
    },
    cut,
    restore: listen,
    close: cut,
  };
}
