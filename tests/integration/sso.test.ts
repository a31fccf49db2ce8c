// Single sign-on with OpenID Connect against a real provider (oidc-provider, on loopback) and
// the built server: a full sign-in, accounts found or created by verified email with roles
// from the group map, and every refusal a message on the sign-in page, never a session.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore, type Store } from "@/lib/db/client";
import { startOidcProvider, type RunningOidcProvider } from "../../scripts/sso-provider.mjs";
import { CookieBrowser } from "../support/cookie-browser";
import { freePort } from "../support/postgres";
import { runCli, startServer, type RunningServer } from "../support/server";
import { createTestDatabaseUrl } from "../support/store";

const CALLBACK = "/api/v1/auth/oidc/callback";
const PASSWORD = "correct horse battery staple";

describe("single sign-on (OpenID Connect)", () => {
  let idp: RunningOidcProvider;
  let server: RunningServer;
  let store: Store;
  let databaseUrl: string;
  let base: string;

  beforeAll(async () => {
    idp = await startOidcProvider({
      users: [
        { username: "ada", sub: "sub-ada", password: PASSWORD, email: "Ada@Example.com", groups: ["orgtrail-admins", "staff"] },
        { username: "grace", sub: "sub-grace", password: PASSWORD, email: "grace@example.com", groups: ["orgtrail-auditors"] },
        { username: "mallory", sub: "sub-mallory", password: PASSWORD, email: "mallory@example.com", email_verified: false, groups: ["orgtrail-admins"] },
        { username: "intern", sub: "sub-intern", password: PASSWORD, email: "intern@example.com", groups: ["interns"] },
        { username: "linus", sub: "sub-linus", password: PASSWORD, email: "linus@example.com", groups: [] },
        { username: "ada-twin", sub: "sub-ada-twin", password: PASSWORD, email: "ada@example.com", groups: ["orgtrail-admins"] },
      ],
    });
    databaseUrl = await createTestDatabaseUrl();
    // A pre-provisioned account (username = email) in an organization the map does not name.
    await runCli(["admin", "create", "linus@example.com", "--org", "ops", "--role", "admin"], { databaseUrl });
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    idp.registerClient({ client_id: "orgtrail", client_secret: "test-secret", redirect_uris: [`${base}${CALLBACK}`] });
    server = await startServer({
      databaseUrl,
      port,
      env: {
        ORGTRAIL_PUBLIC_URL: base,
        ORGTRAIL_OIDC_ISSUER: idp.issuer,
        ORGTRAIL_OIDC_CLIENT_ID: "orgtrail",
        ORGTRAIL_OIDC_CLIENT_SECRET: "test-secret",
        ORGTRAIL_OIDC_SCOPES: "openid email profile groups",
        ORGTRAIL_OIDC_ROLE_MAP: "orgtrail-admins=default:admin,orgtrail-auditors=default:auditor",
      },
    });
    store = await openStore(databaseUrl);
  });
  afterAll(async () => {
    await store?.close();
    await server?.stop();
    await idp?.close();
  });

  /** Starts at orgtrail, signs in at the provider, and stops before the callback: its URL. */
  async function authorize(browser: CookieBrowser, username: string, next?: string): Promise<URL> {
    const start = `${base}/api/v1/auth/oidc/start${next === undefined ? "" : `?next=${encodeURIComponent(next)}`}`;
    const toLogin = await browser.follow(start);
    expect(toLogin.response.status, await toLogin.response.clone().text()).toBe(200);
    expect(toLogin.url.origin).toBe(idp.issuer);
    const loginAction = /action="([^"]+)"/.exec(await toLogin.response.text())![1]!;
    const login = await browser.request(new URL(loginAction, toLogin.url), {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ username, password: PASSWORD }),
    });
    expect(login.status).toBe(303);
    const back = await browser.follow(new URL(login.headers.get("location")!, toLogin.url), (u) => u.pathname === CALLBACK);
    expect(back.stoppedAt, "the provider sent the browser back to the callback").toBeDefined();
    return back.stoppedAt!;
  }

  async function signIn(username: string, next?: string) {
    const browser = new CookieBrowser();
    const callback = await authorize(browser, username, next);
    const response = await browser.request(callback);
    return { browser, callback, response };
  }

  const session = (browser: CookieBrowser) => browser.cookie("127.0.0.1", "orgtrail_session");

  /** A refusal: back to the sign-in page with the code, no session; the page says why. */
  async function expectRefused(browser: CookieBrowser, response: Response, code: string, phrase: RegExp) {
    expect(response.status).toBe(303);
    expect(response.headers.getSetCookie().some((c) => c.startsWith("orgtrail_session="))).toBe(false);
    expect(session(browser)).toBeUndefined();
    const location = new URL(response.headers.get("location")!, base);
    expect(location.pathname).toBe("/signin");
    expect(location.searchParams.get("sso")).toBe(code);
    const page = await browser.request(location);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toMatch(/role="alert"/);
    expect(html).toMatch(phrase);
    expect((await browser.request(`${base}/api/v1/users`)).status).toBe(401);
  }

  const accountByEmail = (email: string) => store.db.selectFrom("accounts").selectAll().where("email", "=", email).executeTakeFirst();
  async function roleIn(accountId: number, slug: string) {
    const row = await store.db
      .selectFrom("memberships")
      .innerJoin("organizations", "organizations.id", "memberships.org_id")
      .select("memberships.role")
      .where("memberships.account_id", "=", accountId)
      .where("organizations.slug", "=", slug)
      .executeTakeFirst();
    return row?.role;
  }

  it("shows Sign in with SSO on the sign-in page, keeping next", async () => {
    const html = await (await fetch(`${base}/signin?next=%2Forg%2Fusers`)).text();
    expect(html).toMatch(/<a[^>]+href="\/api\/v1\/auth\/oidc\/start\?next=%2Forg%2Fusers"[^>]*>Sign in with SSO<\/a>/);
    expect(html).toContain("API key");
  });

  it("signs a mapped admin in: account created by verified email, session, back to next", async () => {
    const { browser, response } = await signIn("ada", "/org/users?asOf=2026-03-31");
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe("/org/users?asOf=2026-03-31");
    const cookie = response.headers.getSetCookie().find((c) => c.startsWith("orgtrail_session="));
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect((await browser.request(`${base}/api/v1/users`)).status).toBe(200);
    expect((await browser.request(`${base}/api/v1/settings/notifications`)).status).toBe(200);

    const account = await accountByEmail("ada@example.com");
    expect(account).toMatchObject({ username: "ada@example.com", email: "ada@example.com", oidc_issuer: idp.issuer, oidc_subject: "sub-ada" });
    expect(await roleIn(account!.id, "default")).toBe("admin");
    // The new account has no usable API key: Basic auth with anything fails.
    const basic = `Basic ${Buffer.from("ada@example.com:otk_guess").toString("base64")}`;
    expect((await fetch(`${base}/admin/audit_logs`, { headers: { authorization: basic } })).status).toBe(401);
  });

  it("signs a mapped auditor in with the auditor role: reads, but no admin route", async () => {
    const { browser, response } = await signIn("grace");
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe("/org/dashboard");
    expect((await browser.request(`${base}/api/v1/users`)).status).toBe(200);
    expect((await browser.request(`${base}/api/v1/settings/notifications`)).status).toBe(403);
    expect(await roleIn((await accountByEmail("grace@example.com"))!.id, "default")).toBe("auditor");
  });

  it("finds a pre-provisioned account whose username is the email, and leaves its unmapped organization alone", async () => {
    const before = await store.db
      .selectFrom("accounts")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    const { browser, response } = await signIn("linus");
    expect(response.status).toBe(303);
    expect((await browser.request(`${base}/api/v1/users?org=ops`)).status).toBe(200);
    const after = await store.db
      .selectFrom("accounts")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
    const account = await store.db.selectFrom("accounts").selectAll().where("username", "=", "linus@example.com").executeTakeFirstOrThrow();
    expect(account).toMatchObject({ email: "linus@example.com", oidc_subject: "sub-linus" });
    expect(await roleIn(account.id, "ops")).toBe("admin");
  });

  it("refuses a wrong state, and does not use up the right one", async () => {
    const browser = new CookieBrowser();
    const callback = await authorize(browser, "ada");
    const forged = new URL(callback);
    forged.searchParams.set("state", "not-the-state-we-sent");
    await expectRefused(browser, await browser.request(forged), "state", /expired, was already used, or was started in another browser/);
    expect((await browser.request(callback)).status).toBe(303);
    expect(session(browser)).toBeDefined();
  });

  it("refuses a callback carried to another browser (login CSRF)", async () => {
    const callback = await authorize(new CookieBrowser(), "ada");
    const victim = new CookieBrowser();
    await expectRefused(victim, await victim.request(callback), "state", /started in another browser/);
  });

  it("refuses a replayed callback, and a replayed code under a fresh state", async () => {
    const { browser, callback, response } = await signIn("ada");
    expect(session(browser)).toBeDefined();
    expect(response.status).toBe(303);
    const other = new CookieBrowser();
    // The same callback again, from a browser without a session: the state was used once.
    const replay = await other.request(callback);
    await expectRefused(other, replay, "state", /already used/);

    // The code again, with a state the attacker's own fresh flow got: the provider refuses the code.
    const fresh = await authorize(other, "grace");
    const replayed = new URL(fresh);
    replayed.searchParams.set("code", callback.searchParams.get("code")!);
    await expectRefused(other, await other.request(replayed), "provider", /the code was already used or has expired/);
  });

  describe("a misbehaving provider", () => {
    afterAll(() => idp.rewriteIdToken(null));
    const now = () => Math.floor(Date.now() / 1000);

    it("refuses an expired ID token", async () => {
      idp.rewriteIdToken((claims) => ({ ...claims, iat: now() - 7200, exp: now() - 3600 }));
      const { browser, response } = await signIn("ada");
      await expectRefused(browser, response, "token", /ID token is expired, meant for another application, or badly signed/);
    });

    it("refuses an ID token for another audience", async () => {
      idp.rewriteIdToken((claims) => ({ ...claims, aud: "another-client" }));
      const { browser, response } = await signIn("ada");
      await expectRefused(browser, response, "token", /meant for another application/);
    });

    it("refuses an ID token with another nonce", async () => {
      idp.rewriteIdToken((claims) => ({ ...claims, nonce: "replayed-nonce" }));
      const { browser, response } = await signIn("ada");
      await expectRefused(browser, response, "token", /could not be trusted/);
    });

    it("refuses an ID token signed by a key the provider does not publish", async () => {
      idp.rewriteIdToken((claims) => claims, { foreignKey: true });
      const { browser, response } = await signIn("ada");
      await expectRefused(browser, response, "token", /badly signed/);
    });
  });

  it("refuses an unverified email, and creates no account", async () => {
    const { browser, response } = await signIn("mallory");
    await expectRefused(browser, response, "email_unverified", /did not confirm that your email address is verified/);
    expect(await accountByEmail("mallory@example.com")).toBeUndefined();
  });

  it("refuses a user whose groups are not mapped, and creates no account", async () => {
    const { browser, response } = await signIn("intern");
    await expectRefused(browser, response, "no_role", /groups at the identity provider give you no role/);
    expect(await accountByEmail("intern@example.com")).toBeUndefined();
  });

  it("refuses another subject claiming an email already bound to an account", async () => {
    const { browser, response } = await signIn("ada-twin");
    await expectRefused(browser, response, "identity_conflict", /linked to another identity/);
  });

  it("re-derives the roles in mapped organizations at every sign-in", async () => {
    const ada = (await accountByEmail("ada@example.com"))!;
    idp.setUser({ username: "ada", sub: "sub-ada", password: PASSWORD, email: "ada@example.com", groups: ["orgtrail-auditors"] });
    expect((await signIn("ada")).response.headers.get("location")).toBe("/org/dashboard");
    expect(await roleIn(ada.id, "default")).toBe("auditor");

    idp.setUser({ username: "ada", sub: "sub-ada", password: PASSWORD, email: "ada@example.com", groups: [] });
    const { browser, response } = await signIn("ada");
    await expectRefused(browser, response, "no_role", /no role/);
    expect(await roleIn(ada.id, "default")).toBeUndefined();
  });

  it("drops a next that would leave the site", async () => {
    idp.setUser({ username: "grace", sub: "sub-grace", password: PASSWORD, email: "grace@example.com", groups: ["orgtrail-auditors"] });
    for (const next of ["//evil.example/", "/\t/evil.example", "https://evil.example/"]) {
      expect((await signIn("grace", next)).response.headers.get("location")).toBe("/org/dashboard");
    }
  });

  it("keeps API keys working beside SSO (break-glass)", async () => {
    const key = (await runCli(["admin", "create", "breakglass", "--role", "admin"], { databaseUrl })).stdout.trim();
    const basic = `Basic ${Buffer.from(`breakglass:${key}`).toString("base64")}`;
    expect((await fetch(`${base}/api/v1/users`, { headers: { authorization: basic } })).status).toBe(200);
  });
});

describe("single sign-on settings", () => {
  it("without an issuer: no SSO link on the sign-in page, and the SSO routes answer 404", async () => {
    const databaseUrl = await createTestDatabaseUrl();
    const server = await startServer({ databaseUrl, env: { ORGTRAIL_OIDC_ISSUER: undefined } });
    try {
      const html = await (await fetch(`${server.baseUrl}/signin`)).text();
      expect(html).toContain("API key");
      expect(html).not.toContain("Sign in with SSO");
      for (const path of ["/api/v1/auth/oidc/start", "/api/v1/auth/oidc/callback?code=x&state=y"]) {
        const response = await fetch(`${server.baseUrl}${path}`, { redirect: "manual" });
        expect(response.status).toBe(404);
        expect(response.headers.getSetCookie()).toEqual([]);
      }
    } finally {
      await server.stop();
    }
  });

  it("a provider that cannot be reached: the start route sends the browser back with a message, and no flow", async () => {
    const databaseUrl = await createTestDatabaseUrl();
    const closed = await freePort();
    const server = await startServer({
      databaseUrl,
      env: { ORGTRAIL_OIDC_ISSUER: `http://127.0.0.1:${closed}`, ORGTRAIL_OIDC_CLIENT_ID: "orgtrail", ORGTRAIL_PUBLIC_URL: "http://127.0.0.1:1" },
    });
    try {
      const browser = new CookieBrowser();
      const response = await browser.request(`${server.baseUrl}/api/v1/auth/oidc/start?next=%2Forg%2Fusers`);
      expect(response.status).toBe(303);
      expect(response.headers.getSetCookie()).toEqual([]);
      const location = new URL(response.headers.get("location")!, server.baseUrl);
      expect(`${location.pathname}${location.search}`).toBe("/signin?sso=unreachable&next=%2Forg%2Fusers");
      expect(await (await browser.request(location)).text()).toMatch(/The identity provider could not be reached/);
      const store = await openStore(databaseUrl);
      try {
        expect(await store.db.selectFrom("sso_flows").selectAll().execute()).toEqual([]);
      } finally {
        await store.close();
      }
    } finally {
      await server.stop();
    }
  });

  it.each([
    [
      { ORGTRAIL_OIDC_ISSUER: "https://idp.example.com", ORGTRAIL_PUBLIC_URL: "https://orgtrail.example.com" },
      /ORGTRAIL_OIDC_CLIENT_ID: is required when ORGTRAIL_OIDC_ISSUER is set/,
    ],
    [{ ORGTRAIL_OIDC_ISSUER: "https://idp.example.com", ORGTRAIL_OIDC_CLIENT_ID: "c" }, /ORGTRAIL_PUBLIC_URL: is required when ORGTRAIL_OIDC_ISSUER is set/],
    [
      { ORGTRAIL_OIDC_ISSUER: "http://idp.example.com", ORGTRAIL_OIDC_CLIENT_ID: "c", ORGTRAIL_PUBLIC_URL: "https://o.example" },
      /ORGTRAIL_OIDC_ISSUER: must be https/,
    ],
    [{ ORGTRAIL_OIDC_ROLE_MAP: "admins=default:owner" }, /ORGTRAIL_OIDC_ROLE_MAP: .*role must be admin, auditor or member, not "owner"/],
  ])("refuses to start with %j", async (env, message) => {
    const result = await runCli(["admin", "default-org", "nobody", "default"], { databaseUrl: await createTestDatabaseUrl(), env });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/invalid environment/);
    expect(result.stderr).toMatch(message);
  });
});
