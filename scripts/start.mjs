#!/usr/bin/env node
// `npm start`: build when needed (the app, and the compiled CLI), prepare the store (migrations,
// demo organization, first admin account), then serve the built app on HOST:PORT (default
// 127.0.0.1:3000).
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };
const nextBin = join(root, "node_modules", "next", "dist", "bin", "next");

function newestSource(dir) {
  let newest = 0;
  if (!existsSync(dir)) return newest;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function needsBuild() {
  const buildId = join(root, env.ORGTRAIL_DIST_DIR || ".next", "BUILD_ID");
  if (!existsSync(buildId)) return true;
  const built = statSync(buildId).mtimeMs;
  const sources = Math.max(
    ...["app", "components", "lib", "public"].map((d) => newestSource(join(root, d))),
    ...["next.config.ts", "package.json", "postcss.config.mjs"].map((f) => (existsSync(join(root, f)) ? statSync(join(root, f)).mtimeMs : 0)),
  );
  return sources > built;
}

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, env, stdio: "inherit" });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

if (needsBuild()) {
  console.error("orgtrail: building the app (first start or changed sources)...");
  run(process.execPath, [nextBin, "build"]);
}
// The CLI compiled ahead of time (scripts/build-cli.mjs), after `next build` (which may rewrite
// tsconfig.json, one of its inputs); if it cannot be built, the CLI runs through tsx.
run(process.execPath, [join(root, "scripts", "build-cli.mjs"), "--if-stale", "--optional"]);
run(process.execPath, [join(root, "bin", "orgtrail.mjs"), "init"]);

const host = env.HOST || "127.0.0.1";
const port = env.PORT || "3000";
const server = spawn(process.execPath, [nextBin, "start", "-H", host, "-p", port], { cwd: root, env, stdio: "inherit" });
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => server.kill(signal));
server.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
