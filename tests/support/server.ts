// Starts the BUILT Next server against a given store, and runs the CLI, for integration tests.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "./postgres";
import { testTmpRoot } from "./store";

export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

const NEXT_BIN = join(PROJECT_ROOT, "node_modules/next/dist/bin/next");
const CLI_BIN = join(PROJECT_ROOT, "bin/orgtrail.mjs");
const OUTPUT_LIMIT = 64 * 1024;

export interface StartServerOptions {
  databaseUrl: string;
  env?: Record<string, string | undefined>;
  /** How long to wait for /api/health to answer 200 (default 60 s). */
  timeoutMs?: number;
  /** Listen on this port (default: a free one), e.g. when ORGTRAIL_PUBLIC_URL must name it beforehand. */
  port?: number;
}

export interface RunningServer {
  baseUrl: string;
  port: number;
  /** What the server printed so far (for debugging a failing test). */
  output(): { stdout: string; stderr: string };
  stop(): Promise<void>;
  /** Sends `signal` to the server's process group and waits for it to exit (fault tests: SIGKILL). */
  kill(signal: NodeJS.Signals): Promise<void>;
}

/** The environment of child processes: the test runner's, minus vitest's own variables. */
function childEnv(overrides: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(env)) {
    if (key.startsWith("VITEST") || key === "NODE_ENV" || key === "TEST") delete env[key];
  }
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return env;
}

function capture(child: ChildProcess) {
  const out = { stdout: "", stderr: "" };
  const append = (key: "stdout" | "stderr") => (chunk: Buffer) => {
    out[key] += chunk.toString("utf8");
    if (out[key].length > OUTPUT_LIMIT) out[key] = out[key].slice(-OUTPUT_LIMIT);
  };
  child.stdout?.on("data", append("stdout"));
  child.stderr?.on("data", append("stderr"));
  return out;
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // the group is already gone
  }
}

function waitForExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolveExit) => {
    const timer = setTimeout(() => resolveExit(false), ms);
    child.once("exit", () => {
      clearTimeout(timer);
      resolveExit(true);
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// A test that forgets stop() must not leave a server behind: the global teardown kills
// the process groups whose pid files remain in the run's temp dir.
function recordPid(pid: number | undefined): () => void {
  const root = testTmpRoot();
  if (pid === undefined || root === tmpdir()) return () => {};
  const dir = join(root, "server-pids");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, String(pid));
  writeFileSync(file, "");
  return () => rmSync(file, { force: true });
}

/** Spawns `next start` on a free port and waits until GET /api/health answers 200. */
export async function startServer(options: StartServerOptions): Promise<RunningServer> {
  const distDir = process.env.ORGTRAIL_DIST_DIR || ".next";
  if (!existsSync(join(PROJECT_ROOT, distDir, "BUILD_ID"))) {
    throw new Error(`no production build in ${distDir}/: run \`npx next build\` before the integration tests`);
  }
  const timeoutMs = options.timeoutMs ?? 60_000;
  const port = options.port ?? (await freePort());
  const baseUrl = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [NEXT_BIN, "start", "-H", "127.0.0.1", "-p", String(port)], {
    cwd: PROJECT_ROOT,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: childEnv({
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      HOST: "127.0.0.1",
      PORT: String(port),
      ORGTRAIL_DEMO: "0",
      ...options.env,
      ORGTRAIL_DATABASE_URL: options.databaseUrl,
    }),
  });
  const out = capture(child);
  const forgetPid = recordPid(child.pid);
  let exited = false;
  child.once("exit", () => {
    exited = true;
    forgetPid();
  });

  const stop = async () => {
    if (exited) return;
    killGroup(child, "SIGTERM");
    if (!(await waitForExit(child, 5_000))) {
      killGroup(child, "SIGKILL");
      await waitForExit(child, 5_000);
    }
  };

  const deadline = Date.now() + timeoutMs;
  let lastProblem = "no answer yet";
  while (Date.now() < deadline) {
    if (exited) {
      throw new Error(
        `next start exited (code ${child.exitCode ?? child.signalCode}) before /api/health answered\n--- stderr ---\n${out.stderr}\n--- stdout ---\n${out.stdout}`,
      );
    }
    try {
      const response = await fetch(`${baseUrl}/api/health`, { signal: AbortSignal.timeout(5_000) });
      if (response.status === 200) {
        await response.arrayBuffer();
        const kill = async (signal: NodeJS.Signals) => {
          killGroup(child, signal);
          await waitForExit(child, 10_000);
        };
        return { baseUrl, port, output: () => ({ ...out }), stop, kill };
      }
      lastProblem = `HTTP ${response.status}: ${(await response.text()).slice(0, 500)}`;
    } catch (error) {
      lastProblem = error instanceof Error ? error.message : String(error);
    }
    await sleep(200);
  }
  await stop();
  throw new Error(
    `server did not answer 200 on /api/health within ${timeoutMs} ms (last: ${lastProblem})\n--- stderr ---\n${out.stderr}\n--- stdout ---\n${out.stdout}`,
  );
}

export interface RunCliOptions {
  databaseUrl: string;
  env?: Record<string, string | undefined>;
  /** Written to the CLI's stdin, which is then closed. */
  input?: string | Buffer;
  /** Kill the CLI after this long (default 60 s). */
  timeoutMs?: number;
  /** Another launcher than the project's bin/orgtrail.mjs (a copy of the project's). */
  cliBin?: string;
}

export interface CliResult {
  code: number | null;
  stdout: string;
  /** stdout as bytes (stdout is decoded as UTF-8, which replaces invalid bytes). */
  stdoutBytes: Buffer;
  stderr: string;
}

/** Runs `node bin/orgtrail.mjs ...args` on the given store. */
export async function runCli(args: string[], options: RunCliOptions): Promise<CliResult> {
  const child = spawn(process.execPath, [options.cliBin ?? CLI_BIN, ...args], {
    cwd: PROJECT_ROOT,
    detached: true,
    stdio: ["pipe", "pipe", "pipe"],
    env: childEnv({
      NEXT_TELEMETRY_DISABLED: "1",
      ORGTRAIL_DEMO: "0",
      ...options.env,
      ORGTRAIL_DATABASE_URL: options.databaseUrl,
    }),
  });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
  child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
  // The CLI may exit before reading all of stdin; that is its business, not an error here.
  child.stdin.on("error", () => {});
  child.stdin.end(options.input ?? "");

  const timeoutMs = options.timeoutMs ?? 60_000;
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup(child, "SIGKILL");
  }, timeoutMs);
  const code = await new Promise<number | null>((resolveCode, reject) => {
    child.once("error", reject);
    child.once("close", (exitCode) => resolveCode(exitCode));
  }).finally(() => clearTimeout(timer));
  const stdoutBytes = Buffer.concat(stdout);
  const result = {
    code,
    stdout: stdoutBytes.toString("utf8"),
    stdoutBytes,
    stderr: Buffer.concat(stderr).toString("utf8"),
  };
  if (timedOut) {
    throw new Error(`orgtrail ${args.join(" ")} timed out after ${timeoutMs} ms\n--- stderr ---\n${result.stderr}`);
  }
  return result;
}
