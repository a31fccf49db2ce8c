// Loopback HTTP helpers for the upstream-pull tests: a recording (and slowing) proxy, a
// scripted fake upstream, and a CLI process that a test can kill -9.
import { spawn, type ChildProcess } from "node:child_process";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { join } from "node:path";
import { PROJECT_ROOT } from "./server";

export interface LoopbackServer {
  baseUrl: string;
  /** Request URLs (path and query) in arrival order. */
  requests: string[];
  /** Answers fully sent. */
  answered(): number;
  close(): Promise<void>;
}

async function listen(handler: (req: IncomingMessage, res: ServerResponse) => Promise<void>, requests: string[]): Promise<{ server: Server; baseUrl: string }> {
  const server = createServer((req, res) => {
    requests.push(req.url ?? "");
    handler(req, res).catch((error: unknown) => {
      res.destroy(error instanceof Error ? error : new Error(String(error)));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no port");
  return { server, baseUrl: `http://127.0.0.1:${address.port}` };
}

function closer(server: Server): () => Promise<void> {
  return () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
}

/** Forwards every request to `target`, answering after `delayMs`. */
export async function startProxy(target: string, delayMs = 0): Promise<LoopbackServer> {
  const requests: string[] = [];
  let answered = 0;
  const { server, baseUrl } = await listen(async (req, res) => {
    const upstream = await fetch(`${target}${req.url ?? "/"}`, { headers: { authorization: req.headers.authorization ?? "" } });
    const body = Buffer.from(await upstream.arrayBuffer());
    if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
    const headers: Record<string, string> = {};
    for (const name of ["content-type", "retry-after", "www-authenticate"]) {
      const v = upstream.headers.get(name);
      if (v !== null) headers[name] = v;
    }
    res.writeHead(upstream.status, headers);
    res.end(body, () => answered++);
  }, requests);
  return { baseUrl, requests, answered: () => answered, close: closer(server) };
}

/** A scripted upstream: `handle` answers each request (its index counts from 0). */
export async function startFakeUpstream(
  handle: (url: URL, index: number, res: ServerResponse, req: IncomingMessage) => void | Promise<void>,
): Promise<LoopbackServer> {
  const requests: string[] = [];
  let answered = 0;
  const { server, baseUrl } = await listen(async (req, res) => {
    res.on("finish", () => answered++);
    await handle(new URL(req.url ?? "/", "http://x"), requests.length - 1, res, req);
  }, requests);
  return { baseUrl, requests, answered: () => answered, close: closer(server) };
}

export interface SpawnedCli {
  child: ChildProcess;
  /** Resolves when the process has exited. */
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
  kill9(): void;
}

/** `node bin/orgtrail.mjs ...args` in its own process group, for a test that kills it (or writes its stdin: `stdin`). */
export function spawnCli(args: string[], env: Record<string, string>, options: { stdin?: boolean } = {}): SpawnedCli {
  const childEnv: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(childEnv)) if (key.startsWith("VITEST") || key === "NODE_ENV" || key === "TEST") delete childEnv[key];
  const child = spawn(process.execPath, [join(PROJECT_ROOT, "bin/orgtrail.mjs"), ...args], {
    cwd: PROJECT_ROOT,
    detached: true,
    stdio: [options.stdin ? "pipe" : "ignore", "pipe", "pipe"],
    env: { ...childEnv, NEXT_TELEMETRY_DISABLED: "1", ORGTRAIL_DEMO: "0", ...env },
  });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (c: Buffer) => (stdout += c.toString("utf8")));
  child.stderr?.on("data", (c: Buffer) => (stderr += c.toString("utf8")));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) =>
    child.once("close", (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return {
    child,
    done,
    kill9: () => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
      } catch {
        // already gone
      }
    },
  };
}
