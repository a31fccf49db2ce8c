// The CLI compiled ahead of time (scripts/build-cli.mjs, bin/compiled-cli.mjs): bin/orgtrail.mjs
// runs it only while it was built from the sources as they are, and it stores what the
// TypeScript CLI stores. On a copy of bin/ and lib/ (its node_modules a link to the project's),
// so that editing a source here cannot disturb the other tests spawning the real CLI.
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore } from "@/lib/db/client";
import { generateEventLines } from "@/lib/demo/generate";
import { PROJECT_ROOT, runCli } from "../support/server";
import { createTestDatabaseUrl, testStoreKind, testTmpRoot } from "../support/store";

const TRACE = { ORGTRAIL_CLI_TRACE: "1" };
const COMPILED = "orgtrail: running the compiled CLI";
const TSX = "orgtrail: running the CLI through tsx";

describe(`the compiled CLI (${testStoreKind()})`, () => {
  let project = "";
  let cli = "";
  let input = "";
  const file = (path: string) => join(project, path);

  /** The path the launcher took for a CLI run, and the output. */
  async function run(args: string[], databaseUrl: string) {
    const r = await runCli(args, { databaseUrl, env: TRACE, cliBin: cli });
    const path = r.stderr.includes(COMPILED) ? "compiled" : r.stderr.includes(TSX) ? "tsx" : "unknown";
    return { ...r, path };
  }
  const pathTaken = async () => (await run(["--help"], "file::memory:")).path;

  beforeAll(() => {
    project = mkdtempSync(join(testTmpRoot(), "compiled-cli-"));
    for (const dir of ["bin", "lib"]) cpSync(join(PROJECT_ROOT, dir), file(dir), { recursive: true });
    for (const f of ["package.json", "tsconfig.json", "scripts/build-cli.mjs"]) cpSync(join(PROJECT_ROOT, f), file(f));
    symlinkSync(join(PROJECT_ROOT, "node_modules"), file("node_modules"), "dir");
    cli = file("bin/orgtrail.mjs");
    const build = spawnSync(process.execPath, [file("scripts/build-cli.mjs")], { encoding: "utf8" });
    expect(build.status, build.stderr).toBe(0);
    // 6,000 events (four 512 KiB parse units), bad lines and duplicates among them.
    const lines = [...generateEventLines({ seed: 7, users: 30, events: 6000, endDate: "2026-11-20", days: 90 })];
    for (let i = 500; i < lines.length; i += 500) lines.splice(i, 0, i % 1000 === 0 ? "{not json" : lines[i - 3]!);
    input = file("events.ndjson");
    writeFileSync(input, `${lines.join("\n")}\n`);
  }, 60_000);
  afterAll(() => {
    if (project) rmSync(project, { recursive: true, force: true });
  });

  it("runs compiled when built from the sources as they are, through tsx from the moment one differs", async () => {
    expect(await pathTaken()).toBe("compiled");

    const source = file("lib/text/escape-control.ts");
    const original = readFileSync(source);
    writeFileSync(source, `${original.toString("utf8")}// edited\n`);
    const edited = await run(["--help"], "file::memory:");
    expect(edited.path).toBe("tsx");
    expect(edited.stderr).toContain("lib/text/escape-control.ts changed since the build");
    // The bytes decide, not the time: the same bytes written back (a newer mtime) are the build's again.
    writeFileSync(source, original);
    expect(await pathTaken()).toBe("compiled");

    // A file beside an input may change what an import resolves to (`./x` finds x.tsx before x.ts).
    writeFileSync(file("lib/text/escape-control.tsx"), "export {};\n");
    expect(await pathTaken()).toBe("tsx");
    unlinkSync(file("lib/text/escape-control.tsx"));
    expect(await pathTaken()).toBe("compiled");

    // The build's own configuration is an input too.
    const tsconfig = readFileSync(file("tsconfig.json"), "utf8");
    writeFileSync(file("tsconfig.json"), tsconfig.replace('"strict": true', '"strict": true '));
    expect(await pathTaken()).toBe("tsx");
    writeFileSync(file("tsconfig.json"), tsconfig);

    rmSync(file("dist"), { recursive: true });
    expect(await pathTaken()).toBe("tsx");
    expect(spawnSync(process.execPath, [file("scripts/build-cli.mjs")]).status).toBe(0);
    expect(await pathTaken()).toBe("compiled");
  }, 120_000);

  it("stores through the compiled parse workers exactly what the TypeScript CLI stores", async () => {
    const stored = async (databaseUrl: string) => {
      const store = await openStore(databaseUrl);
      try {
        return await store.db.selectFrom("organizations").select(["slug", "last_seq", "chain_head"]).orderBy("slug").execute();
      } finally {
        await store.close();
      }
    };
    // The tsx worker entry, unread by the compiled CLI (which starts dist/cli/parse-worker.mjs
    // beside it): were it loaded, every unit would fail.
    const tsxWorker = file("lib/ingest/parse-worker.mjs");
    const tsxWorkerSource = readFileSync(tsxWorker);
    writeFileSync(tsxWorker, 'throw new Error("the tsx worker entry was loaded");\n');
    const compiledUrl = await createTestDatabaseUrl();
    const compiled = await run(["ingest", "--workers", "2", input], compiledUrl);
    writeFileSync(tsxWorker, tsxWorkerSource);
    expect(compiled.path).toBe("compiled");

    writeFileSync(file("lib/ingest/write-plan.ts"), `${readFileSync(file("lib/ingest/write-plan.ts"), "utf8")}// edited\n`);
    const tsxUrl = await createTestDatabaseUrl();
    const tsx = await run(["ingest", "--workers", "2", input], tsxUrl);
    expect(tsx.path).toBe("tsx");

    expect(compiled.code).toBe(1); // rejected lines
    expect(compiled.stdout).toMatch(/accepted 6000, duplicates \d+, rejected [1-9]/);
    expect(tsx.code).toBe(compiled.code);
    expect(tsx.stdout).toBe(compiled.stdout);
    const digest = await stored(compiledUrl);
    expect(digest).toHaveLength(1);
    expect(Number(digest[0]!.last_seq)).toBe(6000);
    expect(await stored(tsxUrl)).toEqual(digest);
  }, 120_000);
});
