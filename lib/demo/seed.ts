import type { Store } from "../db/client";
import { formatDate } from "../audit/timestamp";
import { env } from "../env";
import { ingestNdjson } from "../ingest/ingest-ndjson";
import { today } from "../today";
import { importUsers } from "../users/import-users";
import { generateDirectory, generateEventLines, usersCsv, type GenerateOptions } from "./generate";

/** The demo organization: a few hundred users over two years, ending yesterday (nothing in the future). */
export function demoOptions(endDate: string = formatDate(today() - 1)): GenerateOptions {
  return { seed: 20260101, users: 320, events: 150_000, endDate, days: 730 };
}

async function* encodeLines(source: Iterable<string>, perChunk = 2000): AsyncGenerator<Uint8Array> {
  const encoder = new TextEncoder();
  let lines: string[] = [];
  for (const line of source) {
    lines.push(line);
    if (lines.length >= perChunk) {
      yield encoder.encode(lines.join("\n") + "\n");
      lines = [];
    }
  }
  if (lines.length > 0) yield encoder.encode(lines.join("\n") + "\n");
}

/** Seeds the demo directory and events; deterministic for a given end date (re-running adds nothing). */
export async function seedDemo(
  store: Store,
  orgId: number,
  options: { log?: (message: string) => void; generate?: GenerateOptions } = {},
): Promise<{ users: number; events: number }> {
  const opts = options.generate ?? demoOptions();
  const directory = generateDirectory(opts);
  const imported = await importUsers(store, orgId, usersCsv(directory));
  options.log?.(`demo: ${imported.created + imported.updated} directory users`);
  let reported = 0;
  const summary = await ingestNdjson(store, orgId, encodeLines(generateEventLines(opts)), {
    deployment: env().ORGTRAIL_DEPLOYMENT,
    onProgress: (s) => {
      const done = s.accepted + s.duplicates + s.skipped;
      if (done - reported < 50_000) return;
      reported = done;
      options.log?.(`demo: ${done} of ${opts.events} events stored`);
    },
  });
  if (summary.rejectedTotal > 0) throw new Error(`demo generator produced ${summary.rejectedTotal} invalid events: ${summary.rejected[0]?.error}`);
  return { users: directory.length, events: summary.accepted };
}
