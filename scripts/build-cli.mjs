#!/usr/bin/env node
// `npm run build:cli`: compiles the CLI ahead of time into dist/cli/ (bin/compiled-cli.mjs):
// bin/cli.ts and the parse worker's entry, each bundled into one ES module for Node 20 with
// the packages left to node_modules. bin/orgtrail.mjs runs it instead of loading the
// TypeScript through tsx when the stamp written here matches the sources: ~80 MB less peak
// memory and ~0.6 s less start (docs/PERFORMANCE.md, "The write path, phase 4").
// Run by `npm install` (postinstall, with --optional), `npm start`, `npm run build` and
// `npm test`; ~0.3 s.
//
//   node scripts/build-cli.mjs [--root DIR] [--optional] [--if-stale]
//     --root DIR   build the project in DIR (default: this script's project)
//     --optional   a failed build warns and exits 0 (the CLI then runs through tsx)
//     --if-stale   do nothing when the build is already that of the current sources
import { readFile } from "node:fs/promises";
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, extname, join, relative, resolve, sep } from "node:path";
import { parseArgs } from "node:util";
import { CLI_DIR, digest, listingDigest, PROJECT_ROOT, STAMP_FILE, STAMP_VERSION, staleReason } from "../bin/compiled-cli.mjs";

const { values: opts } = parseArgs({
  options: { root: { type: "string" }, optional: { type: "boolean" }, "if-stale": { type: "boolean" } },
});
const root = resolve(opts.root ?? PROJECT_ROOT);

/** The entry points, by output name: the worker beside the CLI, where parse-pool.ts looks for it (`./parse-worker.mjs`). */
const ENTRY_POINTS = { cli: "bin/cli.ts", "parse-worker": "lib/ingest/parse-worker.ts" };

/** Files that shape the output besides the sources (resolution, TypeScript settings, this build). */
const CONFIG_FILES = ["package.json", "tsconfig.json", "scripts/build-cli.mjs", "bin/compiled-cli.mjs"];

const LOADERS = { ".ts": "ts", ".mts": "ts", ".cts": "ts", ".tsx": "tsx", ".js": "js", ".mjs": "js", ".cjs": "js", ".jsx": "jsx", ".json": "json" };

const toPosix = (path) => path.split(sep).join("/");

async function build() {
  // Imported here: a fresh build needs no esbuild, and a failure to load it is one to report.
  const esbuild = await import("esbuild");
  // Read before the build: a file edited while it runs then reads as changed at the next start.
  const files = Object.fromEntries(CONFIG_FILES.map((f) => [f, digest(readFileSync(join(root, f)))]));
  files[`node_modules/esbuild/package.json`] = digest(readFileSync(join(root, "node_modules/esbuild/package.json")));
  /** Each source digested from the very bytes esbuild compiled (read by this plugin). */
  const sources = new Map();
  const digestSources = {
    name: "digest-sources",
    setup(b) {
      b.onLoad({ filter: /.*/, namespace: "file" }, async (args) => {
        const loader = LOADERS[extname(args.path)];
        if (!loader) throw new Error(`no loader for ${args.path}`);
        const contents = await readFile(args.path);
        sources.set(toPosix(relative(root, args.path)), digest(contents));
        return { contents, loader };
      });
    },
  };

  const dist = join(root, CLI_DIR);
  const staging = `${dist}.new-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  try {
    return await buildInto(esbuild, staging, dist, files, sources, digestSources);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

async function buildInto(esbuild, staging, dist, files, sources, digestSources) {
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: ENTRY_POINTS,
    outdir: staging,
    outExtension: { ".js": ".mjs" },
    bundle: true,
    // Modules the CLI imports on demand (pull, demo, import-users...) stay in chunks of their
    // own, loaded with their packages only by the commands that need them: without splitting,
    // esbuild hoists every package import to the top of the one file.
    splitting: true,
    platform: "node",
    format: "esm",
    target: "node20",
    // Resolved from node_modules at run time, as under tsx (native addons, and one copy of each).
    packages: "external",
    // Stack traces name the sources under `node --enable-source-maps`; otherwise unread.
    sourcemap: "linked",
    metafile: true,
    logLevel: "warning",
    plugins: [digestSources],
  });

  const inputs = Object.keys(result.metafile.inputs);
  const missing = inputs.filter((i) => !sources.has(i));
  if (missing.length > 0) throw new Error(`inputs not read by the digest plugin: ${missing.join(", ")}`);
  for (const [file, d] of sources) files[file] = d;
  const dirs = Object.fromEntries([...new Set(inputs.map((i) => toPosix(dirname(i))))].sort().map((d) => [d, listingDigest(join(root, d))]));
  writeFileSync(join(staging, STAMP_FILE), `${JSON.stringify({ version: STAMP_VERSION, files, dirs }, null, 1)}\n`);

  // Swapped in whole: a CLI starting meanwhile sees the old build, none (and runs through
  // tsx) or the new one, never a half-written file.
  mkdirSync(dirname(dist), { recursive: true });
  const old = `${dist}.old-${process.pid}`;
  try {
    renameSync(dist, old);
  } catch (error) {
    if (error.code !== "ENOENT") throw error;
  }
  renameSync(staging, dist);
  rmSync(old, { recursive: true, force: true });
  return inputs.length;
}

const started = performance.now();
try {
  if (opts["if-stale"] && staleReason(root) === null) process.exit(0);
  const inputs = await build();
  console.error(`orgtrail: compiled the CLI into ${CLI_DIR}/ (${inputs} sources, ${Math.round(performance.now() - started)} ms)`);
} catch (error) {
  console.error(`orgtrail: could not compile the CLI: ${error instanceof Error ? error.message : String(error)}`);
  if (!opts.optional) process.exit(1);
  console.error("orgtrail: the CLI will run through tsx (slower to start, more memory)");
}
