// The demo kept apart (README "First start", docs/SECURITY.md "Removing the demo"): the first
// start of an empty store seeds the demo into its own organization `demo` and leaves `default`
// empty, with the first admin in both; `demo --remove` deletes the demo organization whole and
// `verify` passes for every other one; no other organization can be removed, turned into a
// demo or have its log deleted; on PostgreSQL the application role removes only through the
// SECURITY DEFINER function.
import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { join } from "node:path";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore, type Store } from "@/lib/db/client";
import { runCli } from "../support/server";
import { createTestDatabaseUrl, testStoreKind, testTmpRoot } from "../support/store";

const events = (n: number, who: string) =>
  Array.from({ length: n }, (_, i) =>
    JSON.stringify({
      action: "user:login",
      timestamp: new Date(Date.parse("2026-03-01T00:00:00Z") + i * 3_600_000).toISOString(),
      actor_email: `${who}${i % 4}@acme.test`,
    }),
  ).join("\n") + "\n";

/** Rows of the organization in every table that has an org_id column. */
async function rowsOf(store: Store, orgId: number): Promise<Record<string, number>> {
  const tables =
    store.dialect === "sqlite"
      ? (
          await sql<{
            name: string;
          }>`SELECT m.name AS name FROM sqlite_master m, pragma_table_info(m.name) p WHERE m.type = 'table' AND p.name = 'org_id'`.execute(store.db)
        ).rows
      : (
          await sql<{
            name: string;
          }>`SELECT c.relname AS name FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname = current_schema() AND a.attname = 'org_id' AND NOT a.attisdropped AND c.relkind IN ('r', 'p') AND NOT c.relispartition`.execute(
            store.db,
          )
        ).rows;
  const out: Record<string, number> = {};
  for (const { name } of tables) {
    const { rows } = await sql<{ n: number }>`SELECT count(*) AS n FROM ${sql.id(name)} WHERE org_id = ${orgId}`.execute(store.db);
    out[name] = Number(rows[0]!.n);
  }
  return out;
}

const orgRow = (store: Store, slug: string) =>
  store.db.selectFrom("organizations").select(["id", "demo", "last_seq"]).where("slug", "=", slug).executeTakeFirst();

describe(`the demo kept apart on ${testStoreKind()}`, () => {
  let url = "";
  let store: Store;
  let env: Record<string, string | undefined>;
  const cli = (args: string[], input?: string) => runCli(args, { databaseUrl: url, env, input, timeoutMs: 300_000 });

  beforeAll(async () => {
    url = await createTestDatabaseUrl();
    // The first start's demo is on unless ORGTRAIL_DEMO=0 (runCli sets 0 unless told otherwise).
    env = { ORGTRAIL_DEMO: undefined, ORGTRAIL_SIGNING_KEY_FILE: join(testTmpRoot(), `signing-${randomBytes(4).toString("hex")}.key`) };
    store = await openStore(url);
  });
  afterAll(async () => {
    await store?.close();
  });

  it("the first start seeds the demo into `demo`, leaves `default` empty, and makes the first admin an admin of both", async () => {
    const init = await cli(["init"]);
    expect(init.code).toBe(0);
    expect(init.stderr).toContain('seeding the demo organization "demo"');
    const def = (await orgRow(store, "default"))!;
    const demo = (await orgRow(store, "demo"))!;
    expect(def).toMatchObject({ demo: 0 });
    expect(Number(def.last_seq)).toBe(0);
    // Nothing but the first admin's membership.
    expect(Object.entries(await rowsOf(store, def.id)).filter(([, n]) => n !== 0)).toEqual([["memberships", 1]]);
    expect(demo).toMatchObject({ demo: 1 });
    expect(Number(demo.last_seq)).toBe(150_000);
    const users = await store.db
      .selectFrom("users")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("org_id", "=", demo.id)
      .executeTakeFirstOrThrow();
    expect(Number(users.n)).toBeGreaterThanOrEqual(320);
    const admin = await store.db.selectFrom("accounts").select(["id", "default_org_id"]).where("username", "=", "admin").executeTakeFirstOrThrow();
    expect(admin.default_org_id).toBe(def.id);
    const memberships = await store.db.selectFrom("memberships").select(["org_id", "role"]).where("account_id", "=", admin.id).orderBy("org_id").execute();
    expect(memberships).toEqual([
      { org_id: def.id, role: "admin" },
      { org_id: demo.id, role: "admin" },
    ]);
  }, 300_000);

  it("refuses to seed the demo into, or remove, an organization not created as a demo; the database refuses the rest", async () => {
    expect((await cli(["ingest", "-", "--org", "real", "--workers", "0"], events(40, "r"))).code).toBe(0);
    expect((await cli(["checkpoint", "--org", "real"])).code).toBe(0);
    const real = (await orgRow(store, "real"))!;
    for (const args of [
      ["demo", "--org", "default", "--events", "10", "--users", "5"],
      ["demo", "--remove", "--org", "default"],
      ["demo", "--remove", "--org", "real"],
    ]) {
      const result = await cli(args);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/was not created as a demo organization/);
    }
    expect((await cli(["demo", "--remove", "--org", "nope"])).stderr).toContain('no organization named "nope"');
    // Not through the store either: the flag is fixed at creation, the log stays append-only.
    await expect(store.db.updateTable("organizations").set({ demo: 1 }).where("id", "=", real.id).execute()).rejects.toThrow(
      /set when an organization is created/,
    );
    await expect(sql`DELETE FROM events WHERE org_id = ${real.id}`.execute(store.db)).rejects.toThrow(/append-only/);
    await expect(sql`DELETE FROM checkpoints WHERE org_id = ${real.id}`.execute(store.db)).rejects.toThrow(/append-only/);
    if (store.dialect === "postgres") await expect(sql`SELECT orgtrail_remove_demo_org(${real.id})`.execute(store.db)).rejects.toThrow(/not created as a demo/);
    expect(Number((await orgRow(store, "real"))!.last_seq)).toBe(40);
  });

  it("demo --remove deletes the demo organization whole; verify passes for every other organization", async () => {
    const exportDir = mkdtempSync(join(testTmpRoot(), "demo-export-"));
    expect((await cli(["checkpoint"])).code).toBe(0);
    // Exported with its signed checkpoints: after the removal those are expected strays.
    expect((await cli(["export", "--to", `file://${exportDir}`, "--org", "demo", "--org", "real"])).code).toBe(0);
    const demo = (await orgRow(store, "demo"))!;
    const before = await rowsOf(store, demo.id);
    expect(before.events).toBe(150_000);
    expect(before.checkpoints).toBeGreaterThan(0);

    const removed = await cli(["demo", "--remove"]);
    expect(removed.stderr).toBe("");
    expect(removed.code).toBe(0);
    expect(removed.stdout).toBe("demo organization demo removed: 150000 events, its chain, checkpoints, rollups and directory\n");
    expect(await orgRow(store, "demo")).toBeUndefined();
    const after = await rowsOf(store, demo.id);
    expect(Object.keys(after).sort()).toEqual(Object.keys(before).sort());
    expect(Object.entries(after).filter(([, n]) => n !== 0)).toEqual([["demo_removals", 1]]);
    const { rows } = await sql<{ n: number }>`SELECT count(*) AS n FROM data_versions WHERE org_id = ${demo.id}`.execute(store.db);
    expect(Number(rows[0]!.n)).toBe(0);
    const record = await store.db.selectFrom("demo_removals").selectAll().executeTakeFirstOrThrow();
    expect(record).toMatchObject({ org_id: demo.id, slug: "demo" });
    expect(Number(record.last_seq)).toBe(150_000);
    await expect(sql`DELETE FROM demo_removals`.execute(store.db)).rejects.toThrow(/append-only/);

    const verify = await cli(["verify"]);
    expect(verify.code).toBe(0);
    expect(verify.stdout).toMatch(/^default: ok, no events/m);
    expect(verify.stdout).toMatch(/^real: ok, events 1-40/m);
    expect(verify.stdout).not.toMatch(/^demo/m);
    const withExported = await cli(["verify", "--checkpoints", exportDir]);
    expect(withExported.stdout).toContain("demo: removed as a demo organization (demo --remove); its exported checkpoints are not checked");
    expect(withExported.code).toBe(0);

    // A later first start does not bring the demo back.
    expect((await cli(["init"])).code).toBe(0);
    expect(await orgRow(store, "demo")).toBeUndefined();
  }, 300_000);

  it("`demo` seeds a new demo organization again on request", async () => {
    const seeded = await cli(["demo", "--events", "500", "--users", "20"]);
    expect(seeded.code).toBe(0);
    expect(seeded.stdout).toBe("demo organization demo seeded: 20 users, 500 events\n");
    expect(await orgRow(store, "demo")).toMatchObject({ demo: 1 });
  });
});

describe.skipIf(testStoreKind() !== "postgres")("demo removal as the PostgreSQL application role", () => {
  let owner: Store;
  let app: Store;
  let url = "";

  beforeAll(async () => {
    url = await createTestDatabaseUrl();
    owner = await openStore(url);
    const login = `orgtrail_t_${randomBytes(4).toString("hex")}`;
    await sql`CREATE ROLE ${sql.id(login)} LOGIN IN ROLE orgtrail_app`.execute(owner.db);
    const appUrl = new URL(url);
    appUrl.username = login;
    app = await openStore(appUrl.toString());
  });
  afterAll(async () => {
    await app?.close();
    await owner?.close();
  });

  it("removes a demo only through the function, which refuses a real organization", async () => {
    const env = { ORGTRAIL_SIGNING_KEY_FILE: join(testTmpRoot(), `signing-${randomBytes(4).toString("hex")}.key`) };
    const appUrl = app.url;
    expect((await runCli(["demo", "--events", "300", "--users", "12"], { databaseUrl: appUrl, env })).code).toBe(0);
    expect((await runCli(["ingest", "-", "--workers", "0"], { databaseUrl: appUrl, env, input: events(10, "d") })).code).toBe(0);
    const demo = (await orgRow(app, "demo"))!;
    const def = (await orgRow(app, "default"))!;
    await expect(sql`DELETE FROM events WHERE org_id = ${demo.id}`.execute(app.db)).rejects.toThrow(/permission denied/);
    await expect(sql`SELECT orgtrail_remove_demo_org(${def.id})`.execute(app.db)).rejects.toThrow(/not created as a demo/);
    const removed = await runCli(["demo", "--remove"], { databaseUrl: appUrl, env });
    expect(removed.stderr).toBe("");
    expect(removed.code).toBe(0);
    expect(await orgRow(app, "demo")).toBeUndefined();
    expect(Object.values(await rowsOf(owner, demo.id)).reduce((a, b) => a + b, 0)).toBe(1); // the demo_removals record
    await expect(sql`DELETE FROM demo_removals`.execute(app.db)).rejects.toThrow(/permission denied/);
    const verify = await runCli(["verify"], { databaseUrl: appUrl, env });
    expect(verify.stdout).toMatch(/^default: ok, events 1-10/m);
    expect(verify.code).toBe(0);
  });
});
