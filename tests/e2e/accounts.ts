// The accounts tests/e2e/serve.mjs created for this run, and their Basic auth headers.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";

export interface E2eAccount {
  username: string;
  apiKey: string;
}

/** A user of the test OpenID provider that tests/e2e/serve.mjs starts. */
export interface E2eSsoUser {
  username: string;
  password: string;
  email: string;
  groups: string[];
}

export interface E2eAccounts {
  databaseUrl: string;
  admin: E2eAccount;
  member: E2eAccount;
  /** Admin of the organization `empty` (no data), of `uploads` (the Data page's uploads), auditor of `default`. */
  empty: E2eAccount;
  uploader: E2eAccount;
  auditor: E2eAccount;
  /** Admin of the seeded demo organization, only when the server ran with ORGTRAIL_E2E_DEMO=1. */
  demo?: E2eAccount;
  sso: { issuer: string; admin: E2eSsoUser; auditor: E2eSsoUser };
  /** Admin of `default` (its default) and of the demo organization `demo`. */
  multi: E2eAccount;
}

export function readAccounts(): E2eAccounts {
  const file = resolve(process.env.ORGTRAIL_E2E_ACCOUNTS ?? "test-results/e2e-accounts.json");
  return JSON.parse(readFileSync(file, "utf8")) as E2eAccounts;
}

/** `Authorization` header value for the audit log API (`username:API-KEY`, base64). */
export function basicAuth(account: E2eAccount): string {
  return `Basic ${Buffer.from(`${account.username}:${account.apiKey}`).toString("base64")}`;
}
