#!/usr/bin/env node
// `npm run sso:dev [-- --port 9400 --public-url http://127.0.0.1:3000]`: a test OpenID
// provider on loopback (scripts/sso-provider.mjs) with three demo users in three groups, so an
// admin can try single sign-on from docs/SSO.md. Prints the variables to start orgtrail with
// and the users' credentials. Development only: it forgets everything when stopped.
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import { startOidcProvider } from "./sso-provider.mjs";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "9400" },
    "public-url": { type: "string", default: "http://127.0.0.1:3000" },
    help: { type: "boolean", short: "h", default: false },
  },
});
if (values.help) {
  console.log(
    "usage: npm run sso:dev -- [--port 9400] [--public-url http://127.0.0.1:3000]\n\n--public-url is orgtrail's ORGTRAIL_PUBLIC_URL (the provider accepts its callback only).",
  );
  process.exit(0);
}

const publicUrl = new URL(values["public-url"]);
const base = publicUrl.href.replace(/\/+$/, "");
const clientId = "orgtrail-dev";
const clientSecret = "orgtrail-dev-secret";
const password = () => randomBytes(9).toString("base64url");
const users = [
  { username: "ada", password: password(), email: "ada@example.com", name: "Ada Lovelace", groups: ["orgtrail-admins"] },
  { username: "grace", password: password(), email: "grace@example.com", name: "Grace Hopper", groups: ["orgtrail-auditors"] },
  // In no mapped group: refused, to see what a refusal looks like.
  { username: "alan", password: password(), email: "alan@example.com", name: "Alan Turing", groups: ["staff"] },
];

let idp;
try {
  idp = await startOidcProvider({
    port: Number(values.port),
    users,
    clients: [{ client_id: clientId, client_secret: clientSecret, redirect_uris: [`${base}/api/v1/auth/oidc/callback`] }],
  });
} catch (error) {
  console.error(`sso:dev: cannot listen on 127.0.0.1:${values.port}: ${error.message} (choose another with --port)`);
  process.exit(1);
}

const roleMap = "orgtrail-admins=default:admin,orgtrail-auditors=default:auditor";
const port = publicUrl.port || (publicUrl.protocol === "https:" ? "443" : "80");
const vars = [
  ["PORT", port],
  ["ORGTRAIL_PUBLIC_URL", base],
  ["ORGTRAIL_OIDC_ISSUER", idp.issuer],
  ["ORGTRAIL_OIDC_CLIENT_ID", clientId],
  ["ORGTRAIL_OIDC_CLIENT_SECRET", clientSecret],
  ["ORGTRAIL_OIDC_SCOPES", "openid email profile groups"],
  ["ORGTRAIL_OIDC_ROLE_MAP", roleMap],
];
const quote = (v) => (/^[A-Za-z0-9_./:@-]+$/.test(v) ? v : `"${v}"`);

console.log(`
Test OpenID provider (development only, forgets everything when stopped) at ${idp.issuer}
It accepts one client, "${clientId}", whose callback is ${base}/api/v1/auth/oidc/callback

In another terminal, start orgtrail with:

${vars.map(([k, v]) => `  ${k}=${quote(v)} \\`).join("\n")}
  npm start

then open ${base}/signin and choose "Sign in with SSO". Users (passwords change at every start):

${users.map((u) => `  ${u.username.padEnd(6)} password ${u.password}   ${u.email.padEnd(18)} group ${u.groups.join(", ")}`).join("\n")}

With the role map above, ada becomes an admin of the organization "default" and grace an
auditor; alan's group is not in the map, so orgtrail refuses him.

Signing out of orgtrail does not sign you out of this provider: to switch users, also open
${idp.issuer}/session/end and click "Yes, sign me out" (or use a private window).
Stop with Ctrl+C.
`);

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    void idp.close().then(() => process.exit(0));
  });
}
