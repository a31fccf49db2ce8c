// `orgtrail verify`, `verify-export`, `checkpoint`, `purge`, `keys public`: tamper evidence and retention (docs/SECURITY.md).
import { collect, withStore, type Run } from "./cli-support";
import type { Command } from "commander";
import type { Store } from "../lib/db/client";
import { findOrgBySlug } from "../lib/db/orgs";
import { env } from "../lib/env";
import { createCheckpoint } from "../lib/trust/checkpoint";
import { loadCheckpointFiles, verifyExportDir } from "../lib/trust/export-verify";
import { purgeExpired } from "../lib/trust/purge";
import { loadPublicKeyFile, loadSigningKey, publicKeyPem } from "../lib/trust/signing-key";
import { verifyStore } from "../lib/trust/verify";

async function orgIds(store: Store, slugs: string[]): Promise<{ id: number; slug: string }[]> {
  if (slugs.length === 0) return store.db.selectFrom("organizations").select(["id", "slug"]).orderBy("slug").execute();
  const out: { id: number; slug: string }[] = [];
  for (const slug of slugs) {
    const org = await findOrgBySlug(store.db, slug);
    if (!org) throw new Error(`no organization named ${JSON.stringify(slug)}`);
    out.push({ id: org.id, slug });
  }
  return out;
}

interface VerifyOpts {
  org: string[];
  checkpoints?: string;
  publicKey?: string;
  printPublicKey?: boolean;
  json?: boolean;
}

async function verifyCommand(opts: VerifyOpts): Promise<number> {
  if (opts.printPublicKey) {
    const key = opts.publicKey ? loadPublicKeyFile(opts.publicKey) : loadSigningKey().publicKey;
    process.stdout.write(publicKeyPem(key));
    return 0;
  }
  const publicKey = opts.publicKey ? loadPublicKeyFile(opts.publicKey) : undefined;
  const exported = opts.checkpoints ? loadCheckpointFiles(opts.checkpoints) : undefined;
  return withStore(async (store) => {
    for (const slug of opts.org) if (!(await findOrgBySlug(store.db, slug))) throw new Error(`no organization named ${JSON.stringify(slug)}`);
    const result = await verifyStore(store, { orgs: opts.org, publicKey, exported });
    const known = new Set(result.orgs.map((o) => o.org));
    // A demo organization removed by `demo --remove` left a record: its exported checkpoints are expected strays.
    const removedDemos = new Set((await store.db.selectFrom("demo_removals").select("slug").execute()).map((r) => r.slug));
    const exportedOrgs = opts.org.length === 0 ? [...new Set((exported ?? []).map((e) => e.checkpoint.org))].filter((o) => !known.has(o)) : [];
    const strays = exportedOrgs.filter((o) => !removedDemos.has(o));
    const ok = result.ok && strays.length === 0;
    if (opts.json) {
      process.stdout.write(`${JSON.stringify({ ok, orgs: result.orgs, missingOrgs: strays })}\n`);
      return ok ? 0 : 1;
    }
    for (const o of result.orgs) {
      const span = o.events > 0 ? `events ${o.fromSeq}-${o.lastSeq}` : "no events";
      const extra = `${o.checkpoints} signed checkpoints${o.purges > 0 ? `, ${o.purges} purges (from ${o.fromSeq})` : ""}${o.unsignedTail > 0 ? `, ${o.unsignedTail} events not yet under a checkpoint` : ""}`;
      if (o.ok) process.stdout.write(`${o.org}: ok, ${span}, ${extra}\n`);
      else {
        process.stdout.write(`${o.org}: FAILED${o.firstBadSeq !== null ? ` at sequence ${o.firstBadSeq}` : ""}: ${o.reason}\n`);
        for (const p of o.problems.slice(1)) process.stdout.write(`  also: ${p.reason}\n`);
      }
    }
    for (const s of exportedOrgs.filter((o) => removedDemos.has(o)))
      process.stdout.write(`${s}: removed as a demo organization (demo --remove); its exported checkpoints are not checked\n`);
    for (const s of strays) process.stdout.write(`${s}: FAILED: exported checkpoints name this organization but the store has none (deleted?)\n`);
    return ok ? 0 : 1;
  });
}

function verifyExportCommand(dir: string, opts: { publicKey: string; json?: boolean }): number {
  const result = verifyExportDir(dir, loadPublicKeyFile(opts.publicKey));
  if (opts.json) process.stdout.write(`${JSON.stringify(result)}\n`);
  else {
    if (result.orgs.length === 0) process.stdout.write(`no exported objects under ${dir}\n`);
    for (const o of result.orgs) {
      if (o.ok) process.stdout.write(`${o.org}: ok, events 1-${o.lastSeq} in ${o.objects} objects, last checkpoint ${o.lastCheckpointAt ?? "-"}\n`);
      else process.stdout.write(`${o.org}: FAILED at sequence ${o.firstBadSeq}: ${o.reason}\n`);
    }
  }
  return result.ok && result.orgs.length > 0 ? 0 : 1;
}

export function addTrustCommands(program: Command, run: Run): void {
  program
    .command("verify")
    .description("re-walk every organization's hash chain and check every signature (docs/SECURITY.md); exits 1 on tampering")
    .option("--org <org>", "only this organization (repeatable; default: all)", collect, [])
    .option("--checkpoints <path>", "also check against exported checkpoints: a .checkpoint.json file or a folder searched recursively")
    .option("--public-key <file>", "the public key (PEM) to check signatures with (default: the signing key file's, ORGTRAIL_SIGNING_KEY_FILE)")
    .option("--print-public-key", "print the signing key's public key (PEM) and exit")
    .option("--json", "print the result as JSON")
    .action((opts: VerifyOpts) => run(verifyCommand(opts)));

  program
    .command("verify-export")
    .description("verify an exported folder (a copy of the bucket) offline with the public key alone; no database")
    .argument("<dir>", "the folder (the one holding wandb-audit-logs/, or any folder above it)")
    .requiredOption("--public-key <file>", "the instance's public key (from `orgtrail keys public`)")
    .option("--json", "print the result as JSON")
    .action((dir: string, opts: { publicKey: string; json?: boolean }) => run(Promise.resolve().then(() => verifyExportCommand(dir, opts))));

  program
    .command("checkpoint")
    .description("sign a checkpoint of each organization's chain now (the server does it hourly)")
    .option("--org <org>", "only this organization (repeatable; default: all)", collect, [])
    .action((opts: { org: string[] }) =>
      run(
        withStore(async (store) => {
          for (const org of await orgIds(store, opts.org)) {
            const c = await createCheckpoint(store, org.id);
            process.stdout.write(`${c.org}: checkpoint ${c.fromSeq}-${c.toSeq} head ${c.head} (key ${c.keyId})\n`);
          }
          return 0;
        }),
      ),
    );

  program
    .command("purge")
    .description(`delete events older than the retention period (ORGTRAIL_RETENTION_DAYS, at least 2192 days); a dry run unless --yes`)
    .option("--org <org>", "only this organization (repeatable; default: all)", collect, [])
    .option("--yes", "really delete (records a signed purge record first)")
    .action((opts: { org: string[]; yes?: boolean }) =>
      run(
        withStore(async (store) => {
          const retentionDays = env().ORGTRAIL_RETENTION_DAYS;
          for (const org of await orgIds(store, opts.org)) {
            const r = await purgeExpired(store, org.id, { retentionDays, dryRun: !opts.yes });
            const what = r.count === 0 ? "nothing to purge" : `${r.dryRun ? "would purge" : "purged"} events ${r.fromSeq}-${r.upToSeq} (${r.count})`;
            process.stdout.write(`${r.org}: ${what} (older than ${r.cutoff}, retention ${retentionDays} days)\n`);
          }
          if (!opts.yes) process.stderr.write("dry run: nothing was deleted (add --yes to purge)\n");
          return 0;
        }),
      ),
    );

  const keys = program.command("keys").description("the checkpoint signing key");
  keys
    .command("public")
    .description("print the public key (PEM) that verifies checkpoints and purge records")
    .action(() =>
      run(
        Promise.resolve().then(() => {
          process.stdout.write(publicKeyPem(loadSigningKey().publicKey));
          return 0;
        }),
      ),
    );
}
