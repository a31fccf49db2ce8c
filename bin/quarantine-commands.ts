// `orgtrail quarantine list|export|retry|drop`: lines that could not be stored (docs/INGEST.md).
import { once } from "node:events";
import type { Command } from "commander";
import { collect, withStore, type Run } from "./cli-support";
import type { Store } from "../lib/db/client";
import { formatDate } from "../lib/audit/timestamp";
import { DEFAULT_ORG, findOrgBySlug } from "../lib/db/orgs";
import { env } from "../lib/env";
import { dropQuarantined, retryQuarantine } from "../lib/ingest/quarantine-retry";
import { allQuarantined, countQuarantine, listQuarantineDays, quarantinedLineJson } from "../lib/queries/list-quarantine";

async function orgId(store: Store, slug: string | undefined): Promise<number> {
  const org = await findOrgBySlug(store.db, slug ?? DEFAULT_ORG);
  if (!org) throw new Error(`no organization named ${JSON.stringify(slug ?? DEFAULT_ORG)}`);
  return org.id;
}

async function write(chunk: string | Buffer): Promise<void> {
  if (!process.stdout.write(chunk)) await once(process.stdout, "drain");
}

/** Reasons and origins are printed on one line whatever they hold. */
const oneLine = (s: string) => s.replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, (c) => JSON.stringify(c).slice(1, -1));

async function listCommand(opts: { org?: string }): Promise<number> {
  return withStore(async (store) => {
    const id = await orgId(store, opts.org);
    for await (const page of allQuarantined(store, id)) {
      for (const l of page) {
        const size = l.truncated ? `${l.bytes} bytes, first ${l.raw.length} kept` : `${l.bytes} bytes`;
        await write(`${l.id}\t${new Date(l.receivedAt).toISOString()}\t${l.source}\t${oneLine(l.origin)}:${l.line}\t${oneLine(l.reason)}\t(${size})\n`);
      }
    }
    const total = await countQuarantine(store, id);
    const dropped = (await listQuarantineDays(store, id)).filter((d) => d.dropped > 0);
    process.stderr.write(`${total} lines in the quarantine of ${opts.org ?? DEFAULT_ORG}\n`);
    for (const d of dropped)
      process.stderr.write(`  ${formatDate(d.day)} ${d.source}: ${d.dropped} more lines refused past the quarantine's bounds (counted, not kept)\n`);
    return 0;
  });
}

async function exportCommand(opts: { org?: string; json?: boolean }): Promise<number> {
  return withStore(async (store) => {
    const id = await orgId(store, opts.org);
    for await (const page of allQuarantined(store, id)) {
      for (const l of page) {
        // The lines as received, one per line: fix them and `orgtrail ingest` the file.
        if (opts.json) await write(`${JSON.stringify(quarantinedLineJson(l))}\n`);
        else await write(Buffer.concat([l.raw, Buffer.from("\n")]));
      }
    }
    return 0;
  });
}

async function retryCommand(opts: { org?: string }): Promise<number> {
  return withStore(async (store) => {
    const id = await orgId(store, opts.org);
    const s = await retryQuarantine(store, id, { deployment: env().ORGTRAIL_DEPLOYMENT });
    const skipped = s.skipped > 0 ? `, skipped ${s.skipped} (report:read is not collected in multi-tenant mode)` : "";
    process.stdout.write(`retried ${s.retried}: stored ${s.stored}, duplicates ${s.duplicates}${skipped}, still quarantined ${s.remaining}\n`);
    return s.remaining > 0 ? 1 : 0;
  });
}

async function dropCommand(opts: { org?: string; id: string[]; all?: boolean }): Promise<number> {
  if (!opts.all && opts.id.length === 0) throw new Error("quarantine drop: give --id N (repeatable) or --all");
  const ids = opts.id.map((s) => {
    if (!/^\d{1,15}$/.test(s)) throw new Error(`quarantine drop: --id must be a line's id (the first column of \`quarantine list\`), got ${JSON.stringify(s)}`);
    return Number(s);
  });
  return withStore(async (store) => {
    const n = await dropQuarantined(store, await orgId(store, opts.org), opts.all ? "all" : ids);
    process.stdout.write(`dropped ${n} lines from the quarantine\n`);
    return 0;
  });
}

export function addQuarantineCommands(program: Command, run: Run): void {
  const q = program.command("quarantine").description("lines that could not be stored, kept as received (docs/INGEST.md)");
  q.command("list")
    .description("one line per quarantined line: id, received, source, origin:line, reason, size")
    .option("--org <org>", "organization (default: default)")
    .action((opts: { org?: string }) => run(listCommand(opts)));
  q.command("export")
    .description("the quarantined lines as received, one per line (--json: with id, source, origin, line and reason)")
    .option("--org <org>", "organization (default: default)")
    .option("--json", "one JSON record per line")
    .action((opts: { org?: string; json?: boolean }) => run(exportCommand(opts)));
  q.command("retry")
    .description("ingest the quarantined lines again; those now stored or duplicates leave the quarantine (exit 1 when some remain)")
    .option("--org <org>", "organization (default: default)")
    .action((opts: { org?: string }) => run(retryCommand(opts)));
  q.command("drop")
    .description("remove quarantined lines without storing them")
    .option("--org <org>", "organization (default: default)")
    .option("--id <id>", "a line's id (repeatable)", collect, [])
    .option("--all", "every line of the organization")
    .action((opts: { org?: string; id: string[]; all?: boolean }) => run(dropCommand(opts)));
}
