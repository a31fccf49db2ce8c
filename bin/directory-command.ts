// `orgtrail sync-directory`: the directory from the platform's SCIM API (docs/DIRECTORY_SYNC.md).
import { positiveInt } from "./cli-support";
import type { Store } from "../lib/db/client";
import { env } from "../lib/env";
import { syncDirectory, ScimSyncError } from "../lib/sources/directory-sync";
import { DEFAULT_RETRY } from "../lib/sources/upstream-http";

export interface DirectoryCommandOptions {
  url?: string;
  username?: string;
  apiKey?: string;
  org?: string;
  pageSize: string;
  attempts: string;
  timeout: string;
}

/** Exit code: 0 synced, 1 synced but some resources were rejected, 2 nothing applied (the error says why). */
export async function directoryCommand(store: Store, orgId: number, opts: DirectoryCommandOptions): Promise<number> {
  const e = env();
  const url = opts.url ?? e.ORGTRAIL_UPSTREAM_URL;
  const apiKey = opts.apiKey ?? e.ORGTRAIL_UPSTREAM_API_KEY;
  // A service account has no username: it sends `:API-KEY`.
  const username = opts.username ?? e.ORGTRAIL_UPSTREAM_USERNAME ?? "";
  if (!url || !apiKey)
    throw new Error("sync-directory needs --url and --api-key (or ORGTRAIL_UPSTREAM_URL and _API_KEY); --username unless the key is a service account's");
  const tty = process.stderr.isTTY === true;
  let shown = false;
  try {
    const summary = await syncDirectory(store, {
      url,
      username,
      apiKey,
      orgId,
      pageSize: positiveInt("--page-size", opts.pageSize, 10_000),
      retry: {
        ...DEFAULT_RETRY,
        maxAttempts: positiveInt("--attempts", opts.attempts, 100),
        timeoutMs: positiveInt("--timeout", opts.timeout, 3600) * 1000,
      },
      onPage: (kind, fetched, total) => {
        if (!tty) return;
        shown = true;
        process.stderr.write(`\r\x1b[2Ksync-directory: ${kind} ${fetched} of ${total}`);
      },
      onRetry: (at, n) => {
        if (shown) process.stderr.write("\r\x1b[2K");
        process.stderr.write(`sync-directory ${at}: ${n.reason}; retry ${n.attempt} in ${(n.delayMs / 1000).toFixed(1)} s\n`);
      },
    });
    if (shown) process.stderr.write("\r\x1b[2K");
    for (const r of summary.rejected) process.stderr.write(`sync-directory: ${r.error}\n`);
    process.stdout.write(
      `users ${summary.users}, groups ${summary.groups}, created ${summary.created}, updated ${summary.updated}, inactive ${summary.inactive}, rejected ${summary.rejected.length}\n`,
    );
    return summary.rejected.length > 0 ? 1 : 0;
  } catch (error) {
    if (shown) process.stderr.write("\r\x1b[2K");
    if (!(error instanceof ScimSyncError)) throw error;
    process.stderr.write(`orgtrail: sync-directory stopped, the directory is unchanged: ${error.message}\n`);
    return 2;
  }
}
