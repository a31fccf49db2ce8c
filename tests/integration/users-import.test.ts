// Users import (CSV and SCIM) against a real store: re-imports update, users first seen in
// events are completed rather than duplicated, bad rows are reported by line.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openStore, type Store } from "@/lib/db/client";
import { ensureOrg } from "@/lib/db/orgs";
import { ingestNdjson } from "@/lib/ingest/ingest-ndjson";
import { listUsers } from "@/lib/queries/list-users";
import { importUsers, UsersImportError } from "@/lib/users/import-users";
import { SCIM_LIST_RESPONSE, SCIM_USER } from "@/lib/users/parse-scim";
import { createTestDatabaseUrl, testStoreKind } from "../support/store";

const HEADER = '"Name","Username","Last active","Role","Email","Teams","Status","Number of Reports","Number of Runs","Number of active days","Models Seat"';
const asOf = "2026-03-31";
const deployment = "self-managed" as const;

async function* chunksOf(text: string): AsyncGenerator<Uint8Array> {
  yield new TextEncoder().encode(text);
}

describe(`users import on ${testStoreKind()}`, () => {
  let store: Store;
  let orgId: number;

  beforeEach(async () => {
    store = await openStore(await createTestDatabaseUrl());
    orgId = await ensureOrg(store.db, "default");
  });
  afterEach(async () => {
    await store?.close();
  });

  const countUsers = async () =>
    Number(
      (
        await store.db
          .selectFrom("users")
          .select((eb) => eb.fn.countAll<number>().as("n"))
          .executeTakeFirstOrThrow()
      ).n,
    );

  it("a CSV re-import updates instead of duplicating", async () => {
    const first = await importUsers(
      store,
      orgId,
      `${HEADER}\n"Ana A","ana","","admin","ana@acme.test","nlp","",1,2,0,"Full"\n"Bo","bo","","member","","","",0,0,0,""\n`,
    );
    expect(first).toEqual({ format: "csv", created: 2, updated: 0, rejected: [] });
    const second = await importUsers(
      store,
      orgId,
      `${HEADER}\n"Ana Z","ana","","member","ANA@acme.test","vision, nlp","",3,4,0,"Viewer"\n"Bo B","bo","","member","bo@acme.test","","",0,0,0,""\n`,
    );
    expect(second).toEqual({ format: "csv", created: 0, updated: 2, rejected: [] });
    expect(await countUsers()).toBe(2);
    const users = await listUsers(store, orgId, { asOf, deployment });
    expect(users).toEqual([
      {
        username: "ana",
        name: "Ana Z",
        email: "ANA@acme.test",
        role: "member",
        teams: ["nlp", "vision"],
        status: "invite_pending",
        lastActive: null,
        addedAt: null,
        activeDays: 0,
        reports: 3,
        runs: 4,
        modelsSeat: "Viewer",
      },
      // Matched by username, Bo learns his email.
      {
        username: "bo",
        name: "Bo B",
        email: "bo@acme.test",
        role: "member",
        teams: [],
        status: "invite_pending",
        lastActive: null,
        addedAt: null,
        activeDays: 0,
        reports: 0,
        runs: 0,
        modelsSeat: null,
      },
    ]);
  });

  it("merges with a user first seen in events (same email, any case), both orders", async () => {
    await ingestNdjson(
      store,
      orgId,
      chunksOf(
        [
          '{"action":"user:login","timestamp":"2026-03-20T10:00:00Z","actor_user_id":"U9","actor_email":"Cy@Acme.test"}',
          '{"action":"team:invite_user","timestamp":"2026-01-01T10:00:00Z","actor_email":"root@acme.test","user_email":"di@acme.test","entity_name":"vision"}',
        ].join("\n"),
      ),
      { deployment },
    );
    const result = await importUsers(store, orgId, `${HEADER}\n"Cy C","cy","","member","cy@acme.test","","",5,6,0,"Full"\n`);
    expect(result).toMatchObject({ created: 0, updated: 1 });
    // Later events still land on the same user.
    await ingestNdjson(store, orgId, chunksOf('{"action":"run:update","timestamp":"2026-03-21T10:00:00Z","actor_user_id":"U9"}\n'), { deployment });
    expect(await countUsers()).toBe(3);
    const users = await listUsers(store, orgId, { asOf, deployment });
    const cy = users.find((u) => u.username === "cy");
    expect(cy).toMatchObject({
      name: "Cy C",
      email: "cy@acme.test",
      activeDays: 2,
      status: "active",
      lastActive: "2026-03-21T10:00:00.000Z",
      addedAt: "2026-03-20T10:00:00.000Z",
      reports: 5,
    });
    // A directory user without a Teams column keeps the teams events gave; with one, the directory's.
    const di = users.find((u) => u.email === "di@acme.test");
    expect(di?.teams).toEqual(["vision"]);
    await importUsers(store, orgId, `"Email","Teams"\n"di@acme.test","ops"\n`);
    const after = await listUsers(store, orgId, { asOf, deployment });
    expect(after.find((u) => u.email === "di@acme.test")?.teams).toEqual(["ops"]);
  });

  it("imports SCIM: id, primary email, role, groups, meta.created, active:false", async () => {
    await ingestNdjson(store, orgId, chunksOf('{"action":"user:login","timestamp":"2026-03-20T10:00:00Z","actor_user_id":"VXNlcjox"}\n'), { deployment });
    const scim = JSON.stringify({
      schemas: [SCIM_LIST_RESPONSE],
      totalResults: 3,
      Resources: [
        {
          schemas: [SCIM_USER],
          id: "VXNlcjox",
          userName: "ana",
          name: { formatted: "Ana A" },
          emails: [{ value: "ana@acme.test", primary: true }],
          roles: [{ value: "admin" }],
          groups: [{ display: "vision" }],
          meta: { created: "2025-06-01T09:00:00Z" },
          active: true,
        },
        { schemas: [SCIM_USER], id: "VXNlcjoy", userName: "gone", emails: [{ value: "g@acme.test" }], active: false },
        { schemas: [SCIM_USER], id: "VXNlcjoz", meta: { created: "yesterday" }, userName: "bad" },
      ],
    });
    const result = await importUsers(store, orgId, scim);
    expect(result).toEqual({ format: "scim", created: 1, updated: 1, rejected: [{ line: 3, error: expect.stringContaining("Resources[2]: meta.created") }] });
    const users = await listUsers(store, orgId, { asOf, deployment });
    expect(users).toEqual([
      {
        username: "ana",
        name: "Ana A",
        email: "ana@acme.test",
        role: "admin",
        teams: ["vision"],
        status: "active",
        lastActive: "2026-03-20T10:00:00.000Z",
        addedAt: "2025-06-01T09:00:00.000Z",
        activeDays: 1,
        reports: 0,
        runs: 0,
        modelsSeat: null,
      },
      {
        username: "gone",
        name: null,
        email: "g@acme.test",
        role: null,
        teams: [],
        status: "deactivated",
        lastActive: null,
        addedAt: null,
        activeDays: 0,
        reports: 0,
        runs: 0,
        modelsSeat: null,
      },
    ]);
    // Re-import with active:true reactivates; absent fields are kept.
    const again = await importUsers(
      store,
      orgId,
      JSON.stringify({ schemas: [SCIM_LIST_RESPONSE], Resources: [{ id: "VXNlcjoy", userName: "gone", active: true }] }),
    );
    expect(again).toMatchObject({ created: 0, updated: 1 });
    const later = await listUsers(store, orgId, { asOf, deployment });
    expect(later[1]).toMatchObject({ email: "g@acme.test", status: "invite_pending" });
  });

  it("refuses malformed input without writing anything", async () => {
    await expect(importUsers(store, orgId, "not,a,users,csv\n")).rejects.toThrow(UsersImportError);
    await expect(importUsers(store, orgId, '{"schemas":[]}')).rejects.toThrow(/ListResponse/);
    expect(await countUsers()).toBe(0);
  });

  it("reports bad rows by line and imports the rest", async () => {
    const result = await importUsers(
      store,
      orgId,
      `${HEADER}\n"","","","","","","",0,0,0,""\n"Ok","ok","","","ok@acme.test","","",x,0,0,""\n"Ok","ok","","","ok@acme.test","","",1,0,0,""\n`,
    );
    expect(result).toEqual({
      format: "csv",
      created: 1,
      updated: 0,
      rejected: [
        { line: 2, error: "a user needs an Email or a Username" },
        { line: 3, error: 'Number of Reports: expected a whole number, got "x"' },
      ],
    });
  });
});
