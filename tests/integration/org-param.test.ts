// `org=SLUG` on every organization route (SPEC §6, lib/http/route.ts): an account in two
// organizations reads either by slug, the default without it; an organization it does not
// belong to (or that does not exist) is a 403; an auditor reads but cannot write.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAccount, setDefaultOrg } from "@/lib/auth/accounts";
import { getStore } from "@/lib/db/client";
import { resetEnvCache } from "@/lib/env";
import { GET as getUsersRoute } from "@/app/api/v1/users/route";
import { POST as postIngestRoute } from "@/app/api/v1/ingest/route";
import { createTestDatabaseUrl, testStoreKind } from "../support/store";

const saved = { ...process.env };
const basic = (user: string, key: string) => `Basic ${Buffer.from(`${user}:${key}`).toString("base64")}`;
let both = "";
let auditor = "";

const users = async (query: string, auth = both) => {
  const res = await getUsersRoute(new Request(`http://localhost/api/v1/users${query}`, { headers: { authorization: auth } }));
  return { status: res.status, body: (await res.json()) as { users?: { email: string }[]; error?: { code: string; message: string } } };
};

describe(`org=SLUG on ${testStoreKind()}`, () => {
  beforeAll(async () => {
    process.env.ORGTRAIL_DATABASE_URL = await createTestDatabaseUrl();
    process.env.ORGTRAIL_TODAY = "2026-03-31";
    process.env.ORGTRAIL_DEPLOYMENT = "self-managed";
    resetEnvCache();
    const store = await getStore();
    both = basic("both", (await createAccount(store.db, "both", ["default", "other"], "admin")).apiKey);
    await setDefaultOrg(store.db, "both", "default");
    auditor = basic("reader", (await createAccount(store.db, "reader", ["other"], "auditor")).apiKey);
    await createAccount(store.db, "outsider", ["third"], "admin");
    const other = await store.db.selectFrom("organizations").select("id").where("slug", "=", "other").executeTakeFirstOrThrow();
    await store.db
      .insertInto("users")
      .values({ org_id: other.id, email: "only@other.test", email_key: "only@other.test", reports: 0, runs: 0, in_directory: 1 })
      .execute();
  });
  afterAll(async () => {
    await (await getStore()).close();
    process.env = saved;
    resetEnvCache();
  });

  it("reads the default organization without org=, the named one with it", async () => {
    expect((await users("")).body.users).toEqual([]);
    expect((await users("?org=other")).body.users!.map((u) => u.email)).toEqual(["only@other.test"]);
  });

  it("refuses an organization the account does not belong to, and one that does not exist, alike", async () => {
    const third = await users("?org=third");
    const none = await users("?org=nope");
    expect(third.status).toBe(403);
    expect(none.status).toBe(403);
    expect(third.body.error!.code).toBe("forbidden");
  });

  it("lets an auditor read and refuses its writes", async () => {
    expect((await users("", auditor)).status).toBe(200);
    const res = await postIngestRoute(new Request("http://localhost/api/v1/ingest", { method: "POST", body: "{}\n", headers: { authorization: auditor } }));
    expect(res.status).toBe(403);
  });
});
