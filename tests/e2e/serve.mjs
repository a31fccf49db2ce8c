#!/usr/bin/env node
// The e2e web server (playwright.config.ts runs it): a fresh SQLite store in a temp dir,
// two accounts (e2e-admin, e2e-member) whose API keys go to $ORGTRAIL_E2E_ACCOUNTS as
// {"databaseUrl", "admin": {"username","apiKey"}, "member": {...}}, the fixtures
// tests/fixtures/e2e-events.ndjson and e2e-users.csv when present, then `next start`.
// The Data page's tests add e2e-empty (admin of the empty organization `empty`), e2e-uploader
// (admin of `uploads`, which its tests fill) and e2e-auditor (auditor of `default`); the upstream
// URL points at a closed port without credentials (nothing is pulled) so "Invite new user"
// links to it. ORGTRAIL_E2E_DEMO=1 also seeds the demo into `demo` for e2e-demo (screenshots).
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { startOidcProvider } from "../../scripts/sso-provider.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const port = process.env.PORT ?? "3100";
const accountsFile = resolve(root, process.env.ORGTRAIL_E2E_ACCOUNTS ?? "test-results/e2e-accounts.json");

const dataDir = mkdtempSync(join(tmpdir(), "orgtrail-e2e-"));
const databaseUrl = `file:${join(dataDir, "orgtrail.db")}`;
const env = {
  ...process.env,
  NODE_ENV: "production",
  NEXT_TELEMETRY_DISABLED: "1",
  ORGTRAIL_DEMO: "0",
  ORGTRAIL_DATABASE_URL: databaseUrl,
  ORGTRAIL_UPSTREAM_URL: process.env.ORGTRAIL_UPSTREAM_URL ?? "http://127.0.0.1:9/",
};
const cleanup = () => rmSync(dataDir, { recursive: true, force: true });

// Single sign-on against a test OpenID provider on loopback (tests/e2e/sso.spec.ts): its users
// and their passwords go to the accounts file under "sso".
const ssoUsers = {
  admin: { username: "sso-admin", password: "e2e-sso-admin-pw", email: "sso-admin@example.com", groups: ["orgtrail-admins"] },
  auditor: { username: "sso-auditor", password: "e2e-sso-auditor-pw", email: "sso-auditor@example.com", groups: ["orgtrail-auditors"] },
};
const idp = await startOidcProvider({
  users: Object.values(ssoUsers),
  clients: [{ client_id: "orgtrail-e2e", client_secret: "e2e-secret", redirect_uris: [`http://127.0.0.1:${port}/api/v1/auth/oidc/callback`] }],
});
Object.assign(env, {
  ORGTRAIL_PUBLIC_URL: `http://127.0.0.1:${port}`,
  ORGTRAIL_OIDC_ISSUER: idp.issuer,
  ORGTRAIL_OIDC_CLIENT_ID: "orgtrail-e2e",
  ORGTRAIL_OIDC_CLIENT_SECRET: "e2e-secret",
  ORGTRAIL_OIDC_SCOPES: "openid email profile groups",
  ORGTRAIL_OIDC_ROLE_MAP: "orgtrail-admins=default:admin,orgtrail-auditors=default:auditor",
});

function cli(args) {
  const result = spawnSync(process.execPath, [join(root, "bin/orgtrail.mjs"), ...args], {
    cwd: root,
    env,
    encoding: "utf8",
    timeout: 120_000,
  });
  if (result.status !== 0) {
    cleanup();
    console.error(`[e2e serve] orgtrail ${args.join(" ")} failed (exit ${result.status ?? result.signal})`);
    console.error(result.stderr || result.stdout || String(result.error ?? ""));
    process.exit(1);
  }
  return result.stdout;
}

function createAccount(username, role, orgs = []) {
  const apiKey = cli(["admin", "create", username, "--role", role, ...orgs.flatMap((o) => ["--org", o])]).trim();
  if (!apiKey || /\s/.test(apiKey)) {
    cleanup();
    console.error(`[e2e serve] expected one API key on stdout for ${username}, got: ${JSON.stringify(apiKey)}`);
    process.exit(1);
  }
  return { username, apiKey };
}

const admin = createAccount("e2e-admin", "admin");
const member = createAccount("e2e-member", "member");
const empty = createAccount("e2e-empty", "admin", ["empty"]);
const uploader = createAccount("e2e-uploader", "admin", ["uploads"]);
const auditor = createAccount("e2e-auditor", "auditor");
// The demo organization `demo` (created as a demo, so before any account names it): the full demo
// with ORGTRAIL_E2E_DEMO=1 (screenshots, e2e-demo), else a small one. e2e-multi is an admin of
// `default` (its default) and `demo`: the organization switcher and the demo banner.
cli(process.env.ORGTRAIL_E2E_DEMO === "1" ? ["demo"] : ["demo", "--users", "24", "--events", "3000"]);
const demo = process.env.ORGTRAIL_E2E_DEMO === "1" ? createAccount("e2e-demo", "admin", ["demo"]) : undefined;
const multi = createAccount("e2e-multi", "admin", ["default", "demo"]);
cli(["admin", "default-org", "e2e-multi", "default"]);
mkdirSync(dirname(accountsFile), { recursive: true });
writeFileSync(
  accountsFile,
  `${JSON.stringify({ databaseUrl, admin, member, empty, uploader, auditor, demo, multi, sso: { issuer: idp.issuer, ...ssoUsers } }, null, 2)}\n`,
  { mode: 0o600 },
);

const events = join(root, "tests/fixtures/e2e-events.ndjson");
if (existsSync(events)) cli(["ingest", events]);
const users = join(root, "tests/fixtures/e2e-users.csv");
if (existsSync(users)) cli(["import-users", users]);

const server = spawn(process.execPath, [join(root, "node_modules/next/dist/bin/next"), "start", "-H", "127.0.0.1", "-p", port], {
  cwd: root,
  env,
  stdio: "inherit",
});
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(signal, () => server.kill(signal));
}
server.on("exit", (code, signal) => {
  cleanup();
  process.exit(code ?? (signal ? 1 : 0));
});
