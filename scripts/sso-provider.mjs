// A real OpenID Provider (oidc-provider, a devDependency) on loopback, for the SSO tests
// (tests/integration/sso.test.ts, tests/e2e/sso.spec.ts through tests/e2e/serve.mjs) and for
// `npm run sso:dev` (scripts/sso-dev.mjs). Users sign in on a small login page of its own
// (username + password, checked); consent is granted without a prompt. Not for production:
// keys, sessions and codes live in memory.
//
// Tests can make it misbehave: `rewriteIdToken(fn)` changes the claims of the ID tokens its
// token endpoint returns and signs them again with the provider's own key (an expired token,
// another audience...), as a compromised or misconfigured provider would.
import { createSign, generateKeyPairSync, randomBytes } from "node:crypto";
import { createServer } from "node:http";
import Provider from "oidc-provider";

const escapeHtml = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function loginPage(uid, error) {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sign in · test identity provider</title>
<style>body{font-family:system-ui,sans-serif;max-width:22rem;margin:4rem auto;padding:0 1rem}label,input,button{display:block;width:100%;margin-top:.5rem}input,button{padding:.5rem;font-size:1rem}p.error{color:#991b1b}</style>
</head><body><main>
<h1>Test identity provider</h1>
<p>Sign in to continue to the application.</p>
${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ""}
<form method="post" action="/interaction/${escapeHtml(uid)}/login">
<label for="username">Username</label><input id="username" name="username" autocomplete="username" required autofocus>
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button>
</form></main></body></html>`;
}

async function readForm(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > 16 * 1024) throw new Error("form too large");
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
}

const b64url = (value) => Buffer.from(typeof value === "string" ? value : JSON.stringify(value)).toString("base64url");

function signJwt(header, claims, privateKey) {
  const input = `${b64url(header)}.${b64url(claims)}`;
  const signature = createSign("RSA-SHA256").update(input).sign(privateKey).toString("base64url");
  return `${input}.${signature}`;
}

/**
 * Starts the provider on `host:port` (port 0: any free one).
 * users: [{ username, password, sub?, email, email_verified?, name?, groups? }]
 * clients: [{ client_id, client_secret, redirect_uris }] (more with registerClient()).
 */
export async function startOidcProvider({ host = "127.0.0.1", port = 0, users = [], clients = [] } = {}) {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const kid = randomBytes(8).toString("hex");
  const jwk = { ...privateKey.export({ format: "jwk" }), kid, use: "sig", alg: "RS256" };
  const accounts = new Map();
  const setUser = (user) => accounts.set(user.sub ?? user.username, { email_verified: true, groups: [], ...user, sub: user.sub ?? user.username });
  for (const user of users) setUser(user);
  const registered = [...clients];
  let idTokenRewrite = null;
  let rewriteKey = privateKey;
  let provider = null;

  const server = createServer((req, res) => {
    void handle(req, res).catch((error) => {
      console.error("[sso-provider]", error);
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
      res.end("internal error");
    });
  });
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, resolve);
  });
  const address = server.address();
  const issuer = `http://${host}:${address.port}`;

  function build() {
    const p = new Provider(issuer, {
      clients: registered.map((c) => ({
        grant_types: ["authorization_code"],
        response_types: ["code"],
        token_endpoint_auth_method: "client_secret_basic",
        ...c,
      })),
      jwks: { keys: [jwk] },
      cookies: { keys: [randomBytes(32).toString("hex")] },
      // Claims go into the ID token too (as Keycloak's "add to ID token" mappers, Okta's groups claim).
      conformIdTokenClaims: false,
      claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name", "preferred_username"], groups: ["groups"] },
      scopes: ["openid", "email", "profile", "groups"],
      features: { devInteractions: { enabled: false } },
      pkce: { required: () => true },
      interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
      ttl: { AuthorizationCode: 60, IdToken: 3600, AccessToken: 3600, Interaction: 600, Session: 3600, Grant: 3600 },
      async findAccount(_ctx, id) {
        const user = accounts.get(id);
        if (!user) return undefined;
        return {
          accountId: id,
          async claims() {
            return {
              sub: id,
              email: user.email,
              email_verified: user.email_verified,
              name: user.name ?? user.username,
              preferred_username: user.username,
              groups: user.groups,
            };
          },
        };
      },
    });
    p.on("server_error", (_ctx, error) => console.error("[sso-provider] server_error", error));
    // The misbehaving provider of the tests: the token endpoint's ID token, changed and signed again.
    p.use(async (ctx, next) => {
      await next();
      if (!idTokenRewrite || ctx.path !== "/token" || ctx.status !== 200 || typeof ctx.body?.id_token !== "string") return;
      const [header, payload] = ctx.body.id_token.split(".");
      const claims = idTokenRewrite(JSON.parse(Buffer.from(payload, "base64url").toString("utf8")));
      ctx.body = { ...ctx.body, id_token: signJwt(JSON.parse(Buffer.from(header, "base64url").toString("utf8")), claims, rewriteKey) };
    });
    return p;
  }
  provider = build();

  async function grantConsent(req, res, details) {
    const { params, session, prompt } = details;
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
    if (prompt.details.missingOIDCScope) grant.addOIDCScope(prompt.details.missingOIDCScope.join(" "));
    if (prompt.details.missingOIDCClaims) grant.addOIDCClaims(prompt.details.missingOIDCClaims);
    if (prompt.details.missingResourceScopes) {
      for (const [indicator, scope] of Object.entries(prompt.details.missingResourceScopes)) grant.addResourceScope(indicator, scope.join(" "));
    }
    await provider.interactionFinished(req, res, { consent: { grantId: await grant.save() } }, { mergeWithLastSubmission: true });
  }

  async function handle(req, res) {
    const url = new URL(req.url, issuer);
    const match = /^\/interaction\/([^/]+)(\/login)?$/.exec(url.pathname);
    if (!match) return provider.callback()(req, res);
    const details = await provider.interactionDetails(req, res);
    if (details.uid !== match[1]) throw new Error("interaction mismatch");
    if (details.prompt.name === "consent") return grantConsent(req, res, details);
    if (req.method === "GET" && !match[2]) {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
      return res.end(loginPage(details.uid));
    }
    if (req.method !== "POST" || !match[2]) {
      res.writeHead(405);
      return res.end();
    }
    const form = await readForm(req);
    const user = [...accounts.values()].find((u) => u.username === form.get("username"));
    if (!user || user.password !== form.get("password")) {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
      return res.end(loginPage(details.uid, "Wrong username or password."));
    }
    await provider.interactionFinished(req, res, { login: { accountId: user.sub } }, { mergeWithLastSubmission: false });
  }

  return {
    issuer,
    /** Adds a client (e.g. once the relying party's port is known); codes and sessions in flight are lost. */
    registerClient(client) {
      registered.push(client);
      provider = build();
    },
    /** Adds or replaces a user (by `sub`, default the username). */
    setUser,
    /** Changes the claims of every ID token the token endpoint returns (null: stop); `foreignKey`: signed by a key the provider does not publish. */
    rewriteIdToken(fn, { foreignKey = false } = {}) {
      idTokenRewrite = fn;
      rewriteKey = foreignKey ? generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey : privateKey;
    },
    close() {
      return new Promise((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      });
    },
  };
}
