// `orgtrail pull`: fetches a W&B-compatible audit-log API into the store, resumable.
import { positiveInt } from "./cli-support";
import { formatDate, parseDate } from "../lib/audit/timestamp";
import type { Store } from "../lib/db/client";
import { env } from "../lib/env";
import { cliActor } from "../lib/ingest/ingest-runs";
import { formatProgress } from "../lib/sources/pull-progress";
import { pullUpstream, type PullSummary } from "../lib/sources/pull-upstream";
import { recordPullRun } from "../lib/sources/pull-run-record";
import { DEFAULT_RETRY } from "../lib/sources/upstream-http";
import { today } from "../lib/today";
import { escapeControl } from "../lib/text/escape-control";

export interface PullCommandOptions {
  url?: string;
  username?: string;
  apiKey?: string;
  org?: string;
  since?: string;
  pageSize: string;
  attempts: string;
  timeout: string;
}

function counts(s: PullSummary): string {
  const parts = [`fetched ${s.fetched}`, `accepted ${s.accepted}`, `duplicates ${s.duplicates}`, `rejected ${s.rejected}`];
  if (s.skipped > 0) parts.push(`skipped ${s.skipped}`);
  return parts.join(", ");
}

/** Without a terminal, a progress line at most this often. */
const PLAIN_PROGRESS_MS = 10_000;

/** Exit code: 0 complete, 1 complete but some lines were rejected, 2 stopped early (fatal). */
export async function pullCommand(store: Store, orgId: number, orgSlug: string, opts: PullCommandOptions): Promise<number> {
  const e = env();
  const url = opts.url ?? e.ORGTRAIL_UPSTREAM_URL;
  const username = opts.username ?? e.ORGTRAIL_UPSTREAM_USERNAME;
  const apiKey = opts.apiKey ?? e.ORGTRAIL_UPSTREAM_API_KEY;
  if (!url || !username || !apiKey) throw new Error("pull needs --url, --username and --api-key (or ORGTRAIL_UPSTREAM_URL, _USERNAME, _API_KEY)");
  let since: number | undefined;
  if (opts.since !== undefined) {
    const day = parseDate(opts.since);
    if (day === null) throw new Error(`invalid --since ${JSON.stringify(opts.since)}: a date as YYYY-MM-DD`);
    since = day;
  }
  // Progress on stderr: one updating line on a terminal; otherwise a plain line every
  // PLAIN_PROGRESS_MS, and one at the end.
  const tty = process.stderr.isTTY === true;
  let shown = false;
  const started = Date.now();
  let lastPlain = started;
  const result = await pullUpstream(store, {
    url,
    username,
    apiKey,
    orgId,
    orgSlug,
    deployment: e.ORGTRAIL_DEPLOYMENT,
    today: today(),
    since,
    initialSince: e.ORGTRAIL_UPSTREAM_SINCE ? (parseDate(e.ORGTRAIL_UPSTREAM_SINCE) ?? undefined) : undefined,
    pageSize: positiveInt("--page-size", opts.pageSize, 1_000_000),
    retry: {
      ...DEFAULT_RETRY,
      maxAttempts: positiveInt("--attempts", opts.attempts, 100),
      timeoutMs: positiveInt("--timeout", opts.timeout, 3600) * 1000,
    },
    onHistoryStart: (start) => {
      if (shown) process.stderr.write("\r\x1b[2K");
      shown = false;
      const days = start.day === null ? 0 : today() - start.day + 1;
      process.stderr.write(
        start.day === null
          ? "pull: the upstream holds no events yet; fetching today\n"
          : `pull: the upstream's history starts on ${formatDate(start.day)} (${start.how}): ${days} days to fetch\n`,
      );
    },
    onProgress: (p, window) => {
      if (p.phase === "stopped") return; // the reason is printed below
      if (p.phase === "done") {
        process.stderr.write(`${shown ? "\r\x1b[2K" : ""}pull: ${formatProgress(p)}\n`);
        shown = false;
      } else if (tty) {
        shown = true;
        process.stderr.write(`\r\x1b[2Kpull ${window}: ${formatProgress(p)}`);
      } else if (Date.now() - lastPlain >= PLAIN_PROGRESS_MS) {
        lastPlain = Date.now();
        process.stderr.write(`pull ${window}: ${formatProgress(p)}\n`);
      }
    },
    onRetry: (window, n) => {
      if (shown) process.stderr.write("\r\x1b[2K");
      process.stderr.write(`pull ${window}: ${escapeControl(n.reason)}; retry ${n.attempt} in ${(n.delayMs / 1000).toFixed(1)} s\n`);
    },
    onReject: (window, r) => {
      if (shown) process.stderr.write("\r\x1b[2K");
      process.stderr.write(`pull ${window}: line ${r.line}: ${escapeControl(r.error)}\n`);
    },
  });
  if (shown) process.stderr.write("\r\x1b[2K");
  const { summary, error } = result;
  await recordPullRun(store.db, { orgId, url, actor: cliActor(), startedAt: started, summary, error });
  process.stdout.write(`${counts(summary)}\n`);
  if (error) {
    process.stderr.write(
      `orgtrail: pull stopped: ${escapeControl(error.message)}${summary.nextDay ? ` (the days before ${summary.nextDay} are complete; run again to resume)` : ""}\n`,
    );
    return 2;
  }
  return summary.rejected > 0 ? 1 : 0;
}
