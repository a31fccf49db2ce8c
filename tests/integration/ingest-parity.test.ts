// One planner, two executors (docs/INGEST.md): the same batches pushed through the SQLite
// executor and the PostgreSQL one leave the same rows in every table the write path touches,
// row by row: duplicates (within a batch and of stored events), identity merges by id then
// email, lifecycle events, new and grown user-days and weeks, a directory import between
// batches, refused lines for the quarantine and a retry's settlement, over several batches.
// Runs where both stores are at hand (ORGTRAIL_TEST_STORE=postgres; SQLite is always there).
import { mkdtempSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { normalizeEvent, type NormalizedEvent } from "@/lib/audit/event";
import { generateEventLines } from "@/lib/demo/generate";
import { openStore, type Store } from "@/lib/db/client";
import { ensureOrg } from "@/lib/db/orgs";
import { appendBatch, type BatchExtras } from "@/lib/ingest/append-batch";
import { importUsers } from "@/lib/users/import-users";
import { createTestDatabaseUrl, testStoreKind, testTmpRoot } from "../support/store";

const ev = (o: Record<string, unknown>): NormalizedEvent => {
  const r = normalizeEvent({ action: "user:login", ...o });
  if (!r.ok) throw new Error(r.error);
  return r.event;
};
const generated = (seed: number, n: number) =>
  [...generateEventLines({ seed, users: 60, events: n, endDate: "2026-11-20", days: 200 })].map((l) => {
    const r = normalizeEvent(JSON.parse(l));
    if (!r.ok) throw new Error(r.error);
    return r.event;
  });

/** The batches, in order; each with what it writes besides its events. */
function batches(): { events: NormalizedEvent[]; extras?: BatchExtras; importCsv?: string }[] {
  const g1 = generated(1, 3000);
  const g2 = generated(2, 3000);
  const hand1 = [
    // A user by id only, one by email only, one by both.
    ev({ timestamp: "2026-03-01T09:00:00Z", actor_user_id: "U9", response_code: 200 }),
    ev({ timestamp: "2026-03-01T09:05:00Z", actor_email: "Bo@Acme.test" }),
    ev({ timestamp: "2026-03-01T09:10:00Z", actor_user_id: "U5", actor_email: "a5@acme.test" }),
    ev({ timestamp: "2026-03-01T09:11:00Z", actor_email: "taken@acme.test" }),
    // Lifecycle aimed at users, with a team; a failed attempt; an early day (multi-tenant start).
    ev({ action: "user:create", timestamp: "2025-05-01T10:00:00Z", actor_email: "root@acme.test", user_asset: "U7", user_email: "ana@acme.test" }),
    ev({ action: "team:invite_user", timestamp: "2026-03-02T10:00:00Z", actor_email: "root@acme.test", user_email: "di@acme.test", entity_name: "vision" }),
    ev({ action: "user:deactivate", timestamp: "2026-03-03T10:00:00Z", actor_email: "root@acme.test", user_asset: "U7" }),
    ev({ action: "user:delete", timestamp: "2026-03-04T10:00:00Z", actor_email: "root@acme.test", user_email: "gone@acme.test" }),
    ev({ timestamp: "2026-03-04T11:00:00Z", actor_email: "bo@acme.test", response_code: 401 }),
    // What COPY's text format must escape (tab, newline, CR, backslash), raw in a column and in JSON.
    ev({ action: "odd\taction\nwith\r\\slash", timestamp: "2026-03-04T12:00:00Z", actor_email: "odd@acme.test", project_name: "a\tb\\c\nd", note: "\\N" }),
  ];
  const hand2 = [
    // Merges: U9 learns its email; bo@ learns its id; U5 keeps its email (taken@ is another user's).
    ev({ timestamp: "2026-03-05T09:00:00Z", actor_user_id: "U9", actor_email: "Nine@Acme.test" }),
    ev({ timestamp: "2026-03-05T09:01:00Z", actor_user_id: "B7", actor_email: "BO@acme.test" }),
    ev({ timestamp: "2026-03-05T09:02:00Z", actor_user_id: "U5", actor_email: "taken@acme.test" }),
    // An earlier first sighting and invitation of existing users; a reactivation.
    ev({ action: "user:create", timestamp: "2025-01-01T00:00:00Z", actor_email: "root@acme.test", user_email: "di@acme.test" }),
    ev({ action: "user:reactivate", timestamp: "2026-03-06T10:00:00Z", actor_email: "root@acme.test", user_asset: "U7" }),
    // A grown user-day (same day as batch 1) and a new day in a week that had one.
    ev({ timestamp: "2026-03-01T18:00:00Z", actor_user_id: "U9" }),
    ev({ timestamp: "2026-03-03T18:00:00Z", actor_email: "taken@acme.test" }),
  ];
  const refused = {
    batch: {
      source: "cli" as const,
      origin: "parity.ndjson",
      receivedAt: Date.parse("2026-11-20T12:00:00Z"),
      lines: [
        { line: 3, reason: "invalid JSON", raw: "{bad", bytes: 4 },
        { line: 9, reason: "invalid UTF-8", raw: new Uint8Array([0x7b, 0xff]), bytes: 2 },
        { line: 12, reason: "line is longer than 65536 bytes", raw: "x".repeat(100), bytes: 70_000 },
      ],
    },
    limits: { perDay: 4, total: 100 },
  };
  return [
    { events: [...hand1, ...g1.slice(0, 1500), hand1[0]!, hand1[1]!], extras: { quarantine: refused } },
    { events: [...g1.slice(1000, 3000), ...hand2] },
    {
      events: [],
      importCsv: `"Name","Username","Last active","Role","Email","Teams","Status","Number of Reports","Number of Runs","Number of active days","Models Seat"\n"Nine","nine","","Member","nine@acme.test","vision","Active",1,2,0,"full"\n"New Person","newp","","Admin","newp@acme.test","","Active",0,0,0,"none"\n`,
    },
    {
      events: [...g2, ...g1.slice(0, 200), ev({ timestamp: "2026-03-07T09:00:00Z", actor_email: "NEWP@acme.test" })],
      extras: { quarantine: refused, retried: { remove: [1], reasons: [{ id: 2, reason: "still invalid UTF-8" }] } },
    },
  ];
}

const TABLES: Record<string, string[]> = {
  organizations: ["id", "slug", "last_seq", "chain_head"],
  users: [
    "id",
    "org_id",
    "external_id",
    "email",
    "email_key",
    "username",
    "name",
    "role",
    "teams",
    "models_seat",
    "reports",
    "runs",
    "in_directory",
    "directory_created_at",
    "directory_active",
    "first_seen_at",
    "first_invited_at",
  ],
  events: ["org_id", "seq", "ts", "action", "actor_id", "target_id", "response_code", "dedupe_key", "body", "extra", "chain"],
  user_day: ["org_id", "user_id", "day", "events", "first_ts", "last_ts"],
  user_activity: ["org_id", "user_id", "days", "early_days", "first_day", "last_day", "last_ts", "d7", "d30", "d90"],
  user_block: ["org_id", "block", "user_id", "first_day", "last_day"],
  day_activity: ["org_id", "day", "users"],
  week_activity: ["org_id", "week", "users"],
  user_lifecycle: ["org_id", "user_id", "seq", "ts", "action", "entity_name"],
  quarantine: ["id", "org_id", "received_at", "source", "origin", "line", "reason", "raw", "bytes"],
  quarantine_days: ["org_id", "source", "day", "kept", "dropped"],
};

async function dump(store: Store): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const [table, columns] of Object.entries(TABLES)) {
    let query = store.db.selectFrom(table as "users").select(columns as "id"[]);
    for (const c of columns.slice(0, 3)) query = query.orderBy(c as "id");
    const rows: Record<string, unknown>[] = await query.execute();
    // Numbers as numbers and bytes as hex on both stores.
    out[table] = rows.map((r) =>
      Object.fromEntries(
        Object.entries(r).map(([k, v]) => [k, typeof v === "bigint" ? Number(v) : v instanceof Uint8Array ? Buffer.from(v).toString("hex") : v]),
      ),
    );
  }
  return out;
}

describe.skipIf(testStoreKind() !== "postgres")("the SQLite and PostgreSQL executors write the same plan", () => {
  let sqlite: Store;
  let postgres: Store;
  beforeAll(async () => {
    sqlite = await openStore(`file:${join(mkdtempSync(join(testTmpRoot(), "parity-")), "orgtrail.db")}`);
    postgres = await openStore(await createTestDatabaseUrl());
  });
  afterAll(async () => {
    await sqlite?.close();
    await postgres?.close();
  });

  it("leaves every table identical, row by row, batch after batch", async () => {
    const orgs = { sqlite: await ensureOrg(sqlite.db, "parity"), postgres: await ensureOrg(postgres.db, "parity") };
    expect(orgs.sqlite).toBe(orgs.postgres);
    const results: Record<string, unknown[]> = { sqlite: [], postgres: [] };
    for (const [i, b] of batches().entries()) {
      for (const [name, store] of [
        ["sqlite", sqlite],
        ["postgres", postgres],
      ] as const) {
        if (b.importCsv) await importUsers(store, orgs[name], b.importCsv);
        const r = await appendBatch(store, orgs[name], b.events, b.extras);
        results[name]!.push({ accepted: r.accepted, duplicates: r.duplicates, quarantined: r.quarantined, stored: r.stored.map((e) => e.dedupeKey) });
      }
      const [a, p] = [await dump(sqlite), await dump(postgres)];
      for (const table of Object.keys(TABLES)) expect({ batch: i + 1, table, rows: p[table] }).toEqual({ batch: i + 1, table, rows: a[table] });
    }
    expect(results.postgres).toEqual(results.sqlite);

    // The batches did what the test means them to.
    const rows = await dump(sqlite);
    const users = rows.users as { external_id: string | null; email_key: string | null; first_invited_at: number | null; username: string | null }[];
    expect(users.find((u) => u.external_id === "U9")?.email_key).toBe("nine@acme.test");
    expect(users.find((u) => u.email_key === "bo@acme.test")?.external_id).toBe("B7");
    expect(users.find((u) => u.external_id === "U5")?.email_key).toBe("a5@acme.test");
    expect(users.find((u) => u.email_key === "di@acme.test")?.first_invited_at).toBe(Date.parse("2025-01-01T00:00:00Z"));
    expect(users.find((u) => u.email_key === "nine@acme.test")?.username).toBe("nine");
    expect(results.sqlite!.map((r) => (r as { duplicates: number }).duplicates)).toEqual([2, 500, 0, 200]);
    expect((rows.user_lifecycle as unknown[]).length).toBeGreaterThan(5);
    expect((rows.user_activity as { early_days: number }[]).some((u) => u.early_days > 0)).toBe(true);
    // Batch 1 kept its 3 refused lines; batch 4 had room for 1 more that day (4), removed the
    // first one (a retry's settlement) and gave the second a new reason.
    expect((rows.quarantine as { line: number; reason: string }[]).map((q) => [q.line, q.reason])).toEqual([
      [9, "still invalid UTF-8"],
      [12, "line is longer than 65536 bytes"],
      [3, "invalid JSON"],
    ]);
    expect(rows.quarantine_days).toEqual([
      { org_id: orgs.sqlite, source: "cli", day: Math.floor(Date.parse("2026-11-20T12:00:00Z") / 86_400_000), kept: 4, dropped: 2 },
    ]);
  }, 120_000);
});
