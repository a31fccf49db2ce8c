// `orgtrail admin rotate-key | sessions | revoke | instance-admin`: keys and sessions of the
// accounts that sign in to orgtrail (docs/SECURITY.md "Sessions and keys").
import type { Command } from "commander";
import { recordAuthEvent } from "../lib/auth/access-log";
import { AccountNotFoundError, findAccount, rotateApiKey, setInstanceAdmin } from "../lib/auth/accounts";
import { listSessions, revokeSessions } from "../lib/auth/sessions";
import { escapeControl } from "../lib/text/escape-control";
import { withStore, type Run } from "./cli-support";

/** An account that does not exist: a message, exit 2 (like the CLI's other usage errors). */
async function forAccount(fn: () => Promise<number>): Promise<number> {
  try {
    return await fn();
  } catch (error) {
    if (!(error instanceof AccountNotFoundError)) throw error;
    process.stderr.write(`orgtrail: ${escapeControl(error.message)}\n`);
    return 2;
  }
}

export function addAdminCommands(admin: Command, run: Run): void {
  admin
    .command("rotate-key")
    .description("give the account a new API key (printed once, alone, on stdout); the old key and every session stop working")
    .argument("<username>")
    .action((username: string) =>
      run(
        withStore((store) =>
          forAccount(async () => {
            const { account, apiKey, sessionsRevoked } = await rotateApiKey(store.db, username);
            await recordAuthEvent(store.db, "key_rotated", { accountId: account.id, username, detail: `${sessionsRevoked} sessions revoked` });
            process.stderr.write(`new API key of ${username} (the old key no longer works; ${sessionsRevoked} sessions ended):\n`);
            process.stdout.write(`${apiKey}\n`);
            return 0;
          }),
        ),
      ),
    );

  admin
    .command("sessions")
    .description("list the account's live browser sessions")
    .argument("<username>")
    .option("--json", "one JSON array on stdout")
    .action((username: string, opts: { json?: boolean }) =>
      run(
        withStore((store) =>
          forAccount(async () => {
            const account = await findAccount(store.db, username);
            const sessions = await listSessions(store.db, account.id);
            if (opts.json) {
              process.stdout.write(`${JSON.stringify(sessions)}\n`);
              return 0;
            }
            if (sessions.length === 0) {
              process.stdout.write(`${username} has no live session\n`);
              return 0;
            }
            process.stdout.write(`${["created", "last seen", "ends", "address", "via", "agent"].join("\t")}\n`);
            for (const s of sessions) {
              const row = [s.createdAt, s.lastSeenAt, s.expiresAt, s.address ?? "-", s.method ?? "-", s.userAgent ?? "-"];
              process.stdout.write(`${row.map((v) => escapeControl(v)).join("\t")}\n`);
            }
            return 0;
          }),
        ),
      ),
    );

  admin
    .command("revoke")
    .description("end every browser session of the account (its API key keeps working: rotate-key for that)")
    .argument("<username>")
    .action((username: string) =>
      run(
        withStore((store) =>
          forAccount(async () => {
            const account = await findAccount(store.db, username);
            const n = await revokeSessions(store.db, account.id);
            await recordAuthEvent(store.db, "sessions_revoked", { accountId: account.id, username, detail: `${n} sessions` });
            process.stdout.write(`${n} sessions of ${username} ended\n`);
            return 0;
          }),
        ),
      ),
    );

  admin
    .command("instance-admin")
    .description("make the account an instance admin (sees instance-wide jobs and the whole access log), or not with --off")
    .argument("<username>")
    .option("--off", "remove the flag")
    .action((username: string, opts: { off?: boolean }) =>
      run(
        withStore((store) =>
          forAccount(async () => {
            await setInstanceAdmin(store.db, username, !opts.off);
            process.stdout.write(`${username} is ${opts.off ? "no longer" : "now"} an instance admin\n`);
            return 0;
          }),
        ),
      ),
    );
}
