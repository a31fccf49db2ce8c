import { readFile, stat } from "node:fs/promises";
import { availableParallelism, getPriority, setPriority } from "node:os";
import { basename } from "node:path";
import { setFlagsFromString } from "node:v8";
import { Command, CommanderError, Option } from "commander";
import { countAccounts, createAccount, ensureAccount, setDefaultOrg, setInstanceAdmin, type Role } from "../lib/auth/accounts";
import type { Store } from "../lib/db/client";
import { collect, withStore } from "./cli-support";
import { DEFAULT_ORG, ensureOrg, findOrgBySlug } from "../lib/db/orgs";
import { env } from "../lib/env";
import { escapeControl } from "../lib/text/escape-control";
import { ingestNdjson, type IngestSummary } from "../lib/ingest/ingest-ndjson";
import { bulkLoadPragmas } from "../lib/ingest/bulk-load";
import { startBulkWriter } from "../lib/db/bulk-writers";
import { workerParser } from "../lib/ingest/parse-pool";
import { openInput } from "../lib/ingest/open-input";
import { newWriteProfile, WRITE_STEPS, type WriteProfile } from "../lib/ingest/write-plan";
import { addAdminCommands } from "./admin-commands";
import { cliActor, recordIngestRun, REJECTED_SAMPLE } from "../lib/ingest/ingest-runs";
import { addBucketCommands } from "./bucket-commands";
import { addQuarantineCommands } from "./quarantine-commands";
import { addTrustCommands } from "./trust-commands";

/** Thrown for a failure the user can fix: printed without a stack trace. */
class UserError extends Error {}

async function orgIdFor(store: Store, slug: string | undefined, create: boolean): Promise<number> {
  const name = slug ?? DEFAULT_ORG;
  const existing = await findOrgBySlug(store.db, name);
  if (existing) return existing.id;
  if (!create && name !== DEFAULT_ORG) throw new UserError(`no organization named ${JSON.stringify(name)}`);
  const id = await ensureOrg(store.db, name);
  if (name !== DEFAULT_ORG) process.stderr.write(`orgtrail: created organization ${name}\n`);
  return id;
}

function progressPrinter(label: string) {
  if (!process.stderr.isTTY) return { update: (_s: IngestSummary) => {}, done: () => {} };
  const started = Date.now();
  let last = 0;
  const line = (s: IngestSummary) => {
    const secs = Math.max((Date.now() - started) / 1000, 0.001);
    const rate = Math.round((s.accepted + s.duplicates) / secs);
    return `${label}: ${s.lines} lines, ${s.accepted} accepted, ${s.duplicates} duplicates, ${s.rejectedTotal} rejected (${rate}/s)`;
  };
  return {
    update(s: IngestSummary) {
      const now = Date.now();
      if (now - last < 250) return;
      last = now;
      process.stderr.write(`\r\x1b[2K${line(s)}`);
    },
    done() {
      if (last > 0) process.stderr.write("\r\x1b[2K");
    },
  };
}

/**
 * Events per transaction of a CLI ingest: few commits (each an fsync), each batch atomic, and
 * what the writer holds at once bounded (docs/PERFORMANCE.md, "The write path, phase 2").
 */
const CLI_BATCH_EVENTS = 25_000;

/**
 * Parse units in flight (lib/ingest/parse-pool.ts), by store. SQLite's writer holds the event
 * loop for a whole batch, so the parsed units wait in the workers' message queues (serialized,
 * off the heap) and enough must be queued to keep the workers busy meanwhile: 32. PostgreSQL's
 * writer awaits the server, so each parsed unit arrives at once as JavaScript objects on the
 * heap: 8 are as fast (80.3 s against 82.6 s at 5M events) and the peak RSS is 530 MB
 * instead of 1,220 (docs/SCALING.md, after "Migration 0031").
 */
const IN_FLIGHT = { sqlite: 32, postgres: 8 } as const;

/** Parse workers by default: one core stays the writer's (the one thread that writes is the bound). */
const defaultWorkers = () => Math.max(1, availableParallelism() - 1);

/**
 * The ingest's default CPU priority (nice value): below the server's, so that on a machine it
 * shares with the dashboard (two cores: the writer and a parse worker take both) the requests
 * are served first; on an otherwise idle machine it costs nothing.
 */
const INGEST_NICE = 10;

/** Raises this process's nice value to at least `nice` (threads started after it inherit it: the parse workers). */
function lowerPriority(nice: number): void {
  try {
    if (getPriority() < nice) setPriority(nice);
  } catch {
    // not permitted here (a container's seccomp profile): the ingest runs as it is
  }
}

/**
 * How far V8 lets the old generation grow past what survived its last full collection during an
 * ingest, by store. Left to itself, on a machine with memory to spare, V8 lets it grow up to 4×:
 * the writer's ~40 MB live set then peaked at ~240 MB of heap, half the ingest's memory. Bounded,
 * the peak at 1M events on SQLite is ~85 MB lower (issue 14's 400 MB goal) for ~6% more CPU
 * (more full collections); PostgreSQL's ingest paid 9–19% at 50%, 2–3% at 100%
 * (docs/PERFORMANCE.md, "The write path, phase 4"). V8 reads the flag at every collection, so
 * setting it now takes, unlike the heap's sizes (`--max-old-space-size`,
 * `--max-semi-space-size`), fixed when the process starts; and it sets no limit, so no input can
 * make the ingest run out of heap for it.
 * Process-wide: the parse workers started after it too.
 */
const INGEST_HEAP_GROWING_PERCENT = { sqlite: 50, postgres: 100 } as const;

async function ingestCommand(files: string[], opts: { org?: string; workers?: string; nice?: string }): Promise<number> {
  const workers = opts.workers === undefined ? defaultWorkers() : Number(opts.workers);
  if (!Number.isSafeInteger(workers) || workers < 0 || workers > 64)
    throw new UserError(`--workers must be an integer from 0 to 64, got ${JSON.stringify(opts.workers)}`);
  const nice = opts.nice === undefined ? INGEST_NICE : Number(opts.nice);
  if (!Number.isSafeInteger(nice) || nice < 0 || nice > 19) throw new UserError(`--nice must be an integer from 0 to 19, got ${JSON.stringify(opts.nice)}`);
  lowerPriority(nice);
  return withStore(async (store) => {
    setFlagsFromString(`--heap-growing-percent=${INGEST_HEAP_GROWING_PERCENT[store.dialect]}`);
    bulkLoadPragmas(store);
    const orgId = await orgIdFor(store, opts.org, true);
    // The server serving this organization rebuilds its users answer less often while this runs.
    const writer = await startBulkWriter(store, orgId);
    try {
      return await ingestFiles(store, orgId, files, { workers, org: opts.org, onBatch: () => writer.beat() });
    } finally {
      // Not removed (the store failed too): its heartbeat ages out (BULK_LIVE_MS).
      await writer.end().catch(() => undefined);
    }
  });
}

/** Each file in turn into the organization; the exit code (1 when lines were rejected). */
async function ingestFiles(
  store: Store,
  orgId: number,
  files: string[],
  { workers, org, onBatch }: { workers: number; org: string | undefined; onBatch: () => void },
): Promise<number> {
  const deployment = env().ORGTRAIL_DEPLOYMENT;
  const total = { accepted: 0, duplicates: 0, skipped: 0, rejected: 0, quarantined: 0 };
  const profile = env().ORGTRAIL_INGEST_PROFILE === "1" ? newWriteProfile() : undefined;
  const started = performance.now();
  for (const file of files) {
    if (file !== "-") {
      const info = await stat(file).catch(() => null);
      if (!info?.isFile()) throw new UserError(`cannot read ${file}: no such file`);
    }
    const label = file === "-" ? "stdin" : file;
    const progress = progressPrinter(label);
    // The Data page's record of this upload (lib/ingest/ingest-runs.ts): counts, the first rejected lines.
    const run = { orgId, kind: "events", source: "cli", label: basename(label), actor: cliActor(), startedAt: Date.now() } as const;
    const sample: { line: number; error: string }[] = [];
    let partial: IngestSummary | null = null;
    const summary = await ingestNdjson(store, orgId, openInput(file), {
      deployment,
      source: { kind: "cli", origin: label },
      batchSize: CLI_BATCH_EVENTS,
      parallel: workers > 0 ? workerParser(workers, undefined, IN_FLIGHT[store.dialect]) : undefined,
      maxRejectionsKept: 0,
      profile,
      onProgress: (s) => {
        partial = s;
        progress.update(s);
        onBatch();
      },
      onReject: (r) => {
        if (sample.length < REJECTED_SAMPLE) sample.push(r);
        // Rejected lines come from outside: never let their control characters reach the terminal.
        process.stderr.write(`${escapeControl(label)}:${r.line}: ${escapeControl(r.error)}\n`);
      },
    }).catch(async (error: unknown) => {
      const p: IngestSummary | null = partial;
      await recordIngestRun(store.db, {
        ...run,
        accepted: p?.accepted ?? 0,
        duplicates: p?.duplicates,
        skipped: p?.skipped,
        rejected: p?.rejectedTotal ?? sample.length,
        rejectedSample: sample,
        error: error instanceof Error ? error.message : String(error),
      });
      throw error;
    });
    await recordIngestRun(store.db, {
      ...run,
      accepted: summary.accepted,
      duplicates: summary.duplicates,
      skipped: summary.skipped,
      rejected: summary.rejectedTotal,
      rejectedSample: sample,
    });
    progress.done();
    total.accepted += summary.accepted;
    total.duplicates += summary.duplicates;
    total.skipped += summary.skipped;
    total.rejected += summary.rejectedTotal;
    total.quarantined += summary.quarantined;
    if (files.length > 1) process.stdout.write(`${label}: ${formatCounts(summary.accepted, summary.duplicates, summary.rejectedTotal, summary.skipped)}\n`);
  }
  process.stdout.write(`${formatCounts(total.accepted, total.duplicates, total.rejected, total.skipped)}\n`);
  if (profile) printProfile(profile, performance.now() - started);
  if (total.rejected > 0) {
    const dropped = total.rejected - total.quarantined;
    process.stderr.write(
      `orgtrail: ${total.quarantined} rejected lines kept in the quarantine${dropped > 0 ? ` (${dropped} more past its bounds, counted only)` : ""}: npx orgtrail quarantine list${org ? ` --org ${org}` : ""}\n`,
    );
  }
  return total.rejected > 0 ? 1 : 0;
}

/** The writer's time per step (ORGTRAIL_INGEST_PROFILE=1), on stderr: wall and process CPU (the writer's own with --workers 0). */
function printProfile(p: WriteProfile, wallMs: number): void {
  const total = (r: Record<string, number>, steps: readonly string[]) => steps.reduce((n, s) => n + r[s]!, 0);
  // On SQLite the lookups and the chain are parts of `plan` (timed per call, wall only).
  const inPlan = p.cpu.dedupeLookup === 0 && p.wall.dedupeLookup > 0;
  const top = WRITE_STEPS.filter((s) => !(inPlan && ["dedupeLookup", "identityLookup", "rollupLookup", "chain"].includes(s)));
  const writer = total(p.wall, top);
  const cpu = total(p.cpu, top);
  process.stderr.write(
    `writer profile: ${p.events} events in ${p.batches} batches; wall ${(wallMs / 1000).toFixed(2)} s, writer ${(writer / 1000).toFixed(2)} s wall, ${(cpu / 1000).toFixed(2)} s process CPU\n`,
  );
  const row = (name: string, wall: number, cpuMs: number | null) =>
    process.stderr.write(
      `  ${name.padEnd(22)} ${(wall / 1000).toFixed(2).padStart(8)} s ${((1000 * wall) / Math.max(p.events, 1)).toFixed(2).padStart(7)} µs/event ${((100 * wall) / Math.max(writer, 1e-9)).toFixed(1).padStart(5)} %` +
        (cpuMs === null
          ? ""
          : `   CPU ${(cpuMs / 1000).toFixed(2).padStart(7)} s ${((1000 * cpuMs) / Math.max(p.events, 1)).toFixed(2).padStart(7)} µs/event`) +
        "\n",
    );
  for (const s of WRITE_STEPS) {
    if (inPlan && ["dedupeLookup", "identityLookup", "rollupLookup", "chain"].includes(s)) row(`  of which ${s}`, p.wall[s], null);
    else row(s, p.wall[s], p.cpu[s]);
  }
}

function formatCounts(accepted: number, duplicates: number, rejected: number, skipped: number): string {
  const parts = [`accepted ${accepted}`, `duplicates ${duplicates}`, `rejected ${rejected}`];
  if (skipped > 0) parts.push(`skipped ${skipped} (report:read is not collected in multi-tenant mode)`);
  return parts.join(", ");
}

async function importUsersCommand(file: string, opts: { org?: string }): Promise<number> {
  const text =
    file === "-"
      ? await readStdin()
      : await readFile(file, "utf8").catch(() => {
          throw new UserError(`cannot read ${file}: no such file`);
        });
  const { importUsers, UsersImportError } = await import("../lib/users/import-users");
  return withStore(async (store) => {
    const orgId = await orgIdFor(store, opts.org, true);
    const run = { orgId, kind: "users", source: "cli", label: basename(file === "-" ? "stdin" : file), actor: cliActor(), startedAt: Date.now() } as const;
    const result = await importUsers(store, orgId, text).catch(async (error: unknown) => {
      await recordIngestRun(store.db, { ...run, accepted: 0, rejected: 0, error: error instanceof Error ? error.message : String(error) });
      throw error instanceof UsersImportError ? new UserError(`${file}: ${error.message}`) : error;
    });
    await recordIngestRun(store.db, {
      ...run,
      accepted: result.created + result.updated,
      rejected: result.rejected.length,
      rejectedSample: result.rejected.slice(0, REJECTED_SAMPLE),
      detail: { format: result.format, created: result.created, updated: result.updated },
    });
    for (const r of result.rejected) process.stderr.write(`${escapeControl(file)}:${r.line}: ${escapeControl(r.error)}\n`);
    process.stdout.write(`created ${result.created}, updated ${result.updated}, rejected ${result.rejected.length}\n`);
    return result.rejected.length > 0 ? 1 : 0;
  });
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return new TextDecoder("utf-8", { fatal: true }).decode(Buffer.concat(chunks));
}

export function buildProgram(run: (code: Promise<number>) => void): Command {
  const program = new Command("orgtrail").description("orgtrail: organization activity dashboard and audit-log warehouse").showHelpAfterError().exitOverride();

  program
    .command("ingest")
    .description("ingest NDJSON audit-log files (- for stdin, .gz accepted)")
    .argument("<files...>", "NDJSON files")
    .option("--org <org>", "organization (default: default)")
    .option("--workers <n>", "parse in n worker threads (default: the number of cores less one, at least 1; 0: in the main thread)")
    .option("--nice <n>", "run at a CPU priority of at least this nice value, below a dashboard served from the same machine (default: 10; 0: unchanged)")
    .action((files: string[], opts: { org?: string; workers?: string; nice?: string }) => run(ingestCommand(files, opts)));

  program
    .command("import-users")
    .description("import a users CSV (the export's format) or a SCIM 2.0 ListResponse")
    .argument("<file>", "CSV or SCIM JSON file (- for stdin)")
    .option("--org <org>", "organization (default: default)")
    .action((file: string, opts: { org?: string }) => run(importUsersCommand(file, opts)));

  const admin = program.command("admin").description("manage orgtrail accounts (the people who sign in to orgtrail)");
  admin
    .command("create")
    .description("create an account and print its new API key on stdout; on an existing account, add the memberships and keep its key")
    .argument("<username>")
    .option("--org <org>", "organization to join (repeatable; created when missing)", collect, [])
    .addOption(new Option("--role <role>", "role in those organizations").choices(["admin", "auditor", "member"]).default("admin"))
    .option("--instance-admin", "also make the account an instance admin (docs/SECURITY.md)")
    .action((username: string, opts: { org: string[]; role: Role; instanceAdmin?: boolean }) =>
      run(
        withStore(async (store) => {
          const orgs = opts.org.length > 0 ? opts.org : [DEFAULT_ORG];
          const result = await ensureAccount(store.db, username, orgs, opts.role);
          if (opts.instanceAdmin) await setInstanceAdmin(store.db, username, true);
          const flag = opts.instanceAdmin ? ", instance admin" : "";
          if (result.created) {
            process.stderr.write(`created account ${username} (${opts.role} of ${orgs.join(", ")}${flag}); its API key:\n`);
            process.stdout.write(`${result.apiKey}\n`);
          } else {
            // SPEC §7: the key is kept (scripts use it); a new one only from rotate-key.
            process.stderr.write(
              `account ${username} exists: now ${opts.role} of ${orgs.join(", ")}${flag}; its API key is kept (a new one: npx orgtrail admin rotate-key ${username})\n`,
            );
          }
          return 0;
        }),
      ),
    );
  admin
    .command("default-org")
    .description("set the account's default API organization")
    .argument("<username>")
    .argument("<org>")
    .action((username: string, org: string) =>
      run(
        withStore(async (store) => {
          await setDefaultOrg(store.db, username, org);
          process.stdout.write(`default organization of ${username} is now ${org}\n`);
          return 0;
        }),
      ),
    );

  program
    .command("pull")
    .description("fetch a W&B-compatible audit-log API into the store, resuming from the last pull (docs/UPSTREAM_PULL.md)")
    .option("--url <url>", "upstream base URL or /admin/audit_logs endpoint (default: ORGTRAIL_UPSTREAM_URL)")
    .option("--username <username>", "upstream username (default: ORGTRAIL_UPSTREAM_USERNAME)")
    .option("--api-key <key>", "upstream API key (default: ORGTRAIL_UPSTREAM_API_KEY)")
    .option("--org <org>", "organization the events go to (default: default)")
    .option("--since <date>", "start at this day (YYYY-MM-DD) instead of the checkpoint")
    .option("--page-size <n>", "events per request when the upstream pages by cursor", "10000")
    .option("--attempts <n>", "attempts per request on 429, 5xx, network errors and timeouts", "6")
    .option("--timeout <seconds>", "longest wait for an answer, or between two chunks of it", "60")
    .action((opts: import("./pull-command").PullCommandOptions) =>
      run(
        withStore(async (store) => {
          const { pullCommand } = await import("./pull-command");
          return pullCommand(store, await orgIdFor(store, opts.org, true), opts.org ?? DEFAULT_ORG, opts);
        }),
      ),
    );

  program
    .command("sync-directory")
    .description("read the directory (users, roles, teams) from the platform's SCIM API into the store (docs/DIRECTORY_SYNC.md)")
    .option("--url <url>", "platform base URL (default: ORGTRAIL_UPSTREAM_URL); /scim/Users and /scim/Groups are read")
    .option("--username <username>", "platform username (default: ORGTRAIL_UPSTREAM_USERNAME; none for a service account)")
    .option("--api-key <key>", "platform API key (default: ORGTRAIL_UPSTREAM_API_KEY)")
    .option("--org <org>", "organization the directory goes to (default: default)")
    .option("--page-size <n>", "resources asked for per page", "100")
    .option("--attempts <n>", "attempts per request on 429, 5xx, network errors and timeouts", "6")
    .option("--timeout <seconds>", "longest wait for an answer, or between two chunks of it", "60")
    .action((opts: import("./directory-command").DirectoryCommandOptions) =>
      run(
        withStore(async (store) => {
          const { directoryCommand } = await import("./directory-command");
          return directoryCommand(store, await orgIdFor(store, opts.org, true), opts);
        }),
      ),
    );

  program
    .command("demo")
    .description("seed the demo organization `demo` (deterministic, apart from real data), or delete it whole with --remove")
    .option("--org <org>", "the demo organization (default: demo); only one created as a demo")
    .option("--remove", "delete the demo organization whole: events, chain, checkpoints, rollups, directory")
    .addOption(new Option("--users <n>", "directory users to generate").hideHelp())
    .addOption(new Option("--events <n>", "events to generate").hideHelp())
    .action((opts: import("./demo-command").DemoCommandOptions) =>
      run(
        withStore(async (store) => {
          const { demoCommand } = await import("./demo-command");
          return demoCommand(store, opts);
        }),
      ),
    );

  addAdminCommands(admin, run);
  addBucketCommands(program, run);
  addTrustCommands(program, run);
  addQuarantineCommands(program, run);

  program
    .command("init", { hidden: true })
    .description("prepare the store for `npm start`: migrations, demo organization, first admin account")
    .action(() => run(withStore(initCommand)));

  return program;
}

/** What `npm start` runs before serving. */
async function initCommand(store: Store): Promise<number> {
  await ensureOrg(store.db, DEFAULT_ORG);
  const empty =
    !(await store.db.selectFrom("events").select("seq").limit(1).executeTakeFirst()) &&
    !(await store.db.selectFrom("users").select("id").limit(1).executeTakeFirst());
  const { seedFirstStartDemo } = await import("./demo-command");
  await seedFirstStartDemo(store, empty);
  if ((await countAccounts(store.db)) === 0) {
    // An admin of `default` (real data, the API's default) and of the demo beside it.
    const { demoOrgSlugs } = await import("../lib/demo/organization");
    const { apiKey } = await createAccount(store.db, "admin", [DEFAULT_ORG, ...(await demoOrgSlugs(store.db))], "admin");
    await setDefaultOrg(store.db, "admin", DEFAULT_ORG);
    const url = `http://${env().HOST}:${env().PORT}/signin`;
    process.stderr.write(
      `\n  orgtrail: first start, created the admin account.\n  Sign in at ${url}\n  username: admin\n  API key:  ${apiKey}\n  (shown once; create more with: npx orgtrail admin create NAME)\n\n`,
    );
  }
  return 0;
}

/** Runs the CLI and resolves to its exit code. */
export async function main(argv: string[]): Promise<number> {
  let pending: Promise<number> = Promise.resolve(0);
  const program = buildProgram((code) => (pending = code));
  try {
    await program.parseAsync(argv);
    return await pending;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    if (error instanceof UserError) {
      process.stderr.write(`orgtrail: ${escapeControl(error.message)}\n`);
      return 2;
    }
    process.stderr.write(`orgtrail: ${escapeControl(error instanceof Error ? error.message : String(error))}\n`);
    return 2;
  }
}
