// In-process timing of the /admin/audit_logs NDJSON data path (query + body, no HTTP), for
// profiling (`node --cpu-prof`) and before/after comparisons: `text` is the export fast path
// (no transform), `rows` the line-by-line path (a transform, e.g. anonymize) with an identity
// transform; both must give the same bytes (the sha256 printed).
//   node --import tsx/esm scripts/bench-export.ts --store file:/path.db [--days 30|all] [--runs 3] [--path text|rows]
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { ndjsonBody, ndjsonBytesBody } from "../lib/audit/audit-log-body";
import { openStore } from "../lib/db/client";
import { pageAuditLogs } from "../lib/queries/page-audit-logs";
import { streamAuditLogBytes } from "../lib/queries/stream-audit-logs";

const { values } = parseArgs({
  options: {
    store: { type: "string" },
    end: { type: "string", default: "2026-11-25" },
    days: { type: "string", default: "all" },
    runs: { type: "string", default: "3" },
    path: { type: "string", default: "text" },
  },
});

function vmHwmMb(): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"));
  return m ? Number(m[1]) / 1024 : 0;
}

async function main(): Promise<void> {
  const store = await openStore(values.store!);
  const org = await store.db.selectFrom("organizations").select("id").orderBy("id").executeTakeFirstOrThrow();
  const toMs = Date.parse(`${values.end}T00:00:00Z`) + 86_400_000;
  const fromMs = values.days === "all" ? 0 : toMs - Number(values.days) * 86_400_000;
  const filters = { actions: null, actorEmail: null, actorUserId: null };
  for (let run = 0; run < Number(values.runs); run++) {
    const cpu0 = process.cpuUsage();
    const started = performance.now();
    const range = { orgId: org.id, fromMs, toMs, filters };
    const body =
      values.path === "rows"
        ? ndjsonBody(pageAuditLogs(store, { ...range, after: null, max: Infinity }), (line) => line)
        : ndjsonBytesBody(streamAuditLogBytes(store, range));
    const hash = createHash("sha256");
    let lines = 0;
    let bytes = 0;
    for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
      hash.update(chunk);
      bytes += chunk.length;
      for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) lines++;
    }
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    process.stdout.write(
      `${values.path} path, ${values.days} days: ${lines} events, ${(bytes / 1e6).toFixed(0)} MB in ${seconds.toFixed(2)} s wall, ${cpuSeconds.toFixed(2)} s CPU: ${Math.round(lines / seconds).toLocaleString("en")} events/s wall, ${Math.round(lines / cpuSeconds).toLocaleString("en")} events/s CPU; peak RSS ${vmHwmMb().toFixed(0)} MB; sha256 ${hash.digest("hex").slice(0, 16)}\n`,
    );
  }
  await store.close();
}

void main();
