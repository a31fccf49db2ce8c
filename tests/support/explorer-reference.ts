// Test events for the explorer and the reference it is checked against: a plain filter over
// the same events, written from the language's definition (docs/EXPLORER.md), not from the
// engine. Shared by the unit test of the engine and the API tests over the built server.
import { SCHEMA_KEYS } from "@/lib/audit/schema";
import { ipInNet, parseIpAddress } from "@/lib/filter/ip-net";
import { parseFilter } from "@/lib/filter/parse-filter";
import type { Condition, FilterQuery } from "@/lib/filter/query";
import { prng } from "./prng";

export { prng };

export interface ModelUser {
  /** The model's own number for the user (the unit test uses it as users.id). */
  key: number;
  email: string;
  /** Platform user id (actor_user_id / user_asset). */
  ext: string;
  /** The directory's username (imported as a users CSV in the API tests), if any. */
  username: string | null;
}

export interface TestEvent {
  /** 1-based position in ingest order (the sequence number when ingested alone and in order). */
  seq: number;
  ts: number;
  /** The event as ingested (schema keys and unknown keys). */
  json: Record<string, unknown>;
  actor: ModelUser | null;
  target: ModelUser | null;
}

export const MODEL_USERS: ModelUser[] = [
  { key: 11, email: "ann@acme.test", ext: "VXNlcjox", username: "ann" },
  { key: 12, email: "bob@acme.test", ext: "VXNlcjoy", username: "Bobby" },
  { key: 13, email: "cy@other.test", ext: "VXNlcjoz", username: null },
  { key: 14, email: "dee@acme.test", ext: "VXNlcjo0", username: "dee" },
  // Eve's platform id is Ann's username: `actor:ann` names both.
  { key: 15, email: "eve@acme.test", ext: "ann", username: "evil" },
];
const ACTIONS = [
  "user:login",
  "user:logout",
  "user:create_api_key",
  "run:update",
  "run:delete",
  "run:stop",
  "artifact:read",
  "project:read",
  "team:invite_user",
  "custom:thing",
];
const ENTITIES = ["ml-team", "ML-Team", "robotics", "Vision Group", '=HYPERLINK("x")'];
const PROJECTS = ["big-model", "Big-Model", "tiny", 'x"quoted"'];
const IPS = ["10.1.2.3", "10.1.200.7", "10.2.0.1", "192.168.0.5", "2001:db8::1", "2001:db8:1::9", "::ffff:10.1.9.9", "not-an-ip", "203.0.113.50"];
const CODES = [200, 200, 201, 204, 301, 400, 401, 403, 404, 500, 503, null];
export const DAY_MS = 86_400_000;

/**
 * `n` events over 60 days from `base`, in ingest order: mostly in time order, some backfilled
 * days earlier, some sharing a timestamp. Each user's first events carry both its platform id
 * and its email, so the store resolves every later event to the same user the model does.
 */
export function makeEvents(n: number, seed: number, base = Date.UTC(2026, 9, 1), firstSeq = 1): TestEvent[] {
  const r = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const out: TestEvent[] = [];
  if (firstSeq === 1) {
    MODEL_USERS.forEach((u, i) => {
      const ts = base + i * 1000;
      out.push({
        seq: out.length + 1,
        ts,
        json: {
          action: "user:login",
          timestamp: new Date(ts).toISOString(),
          actor_user_id: u.ext,
          actor_email: u.email,
          user_asset: u.ext,
          user_email: u.email,
          response_code: 200,
        },
        actor: u,
        target: u,
      });
    });
  }
  while (out.length < n) {
    const i = out.length;
    const ts =
      i % 37 === 0
        ? base + Math.floor(r() * 60) * DAY_MS + Math.floor(r() * DAY_MS)
        : i % 11 === 0 && out.length > 0
          ? out[out.length - 1]!.ts
          : base + Math.floor((i / n) * 60 * DAY_MS) + Math.floor(r() * 3_600_000);
    const json: Record<string, unknown> = { action: pick(ACTIONS), timestamp: new Date(ts).toISOString() };
    let actor: ModelUser | null = null;
    if (r() < 0.9) {
      actor = pick(MODEL_USERS);
      if (r() < 0.8) json.actor_user_id = actor.ext;
      if (r() < 0.8 || json.actor_user_id === undefined) json.actor_email = r() < 0.3 ? actor.email.toUpperCase() : actor.email;
    }
    let target: ModelUser | null = null;
    if (r() < 0.4) {
      target = pick(MODEL_USERS);
      json.user_email = target.email;
      if (r() < 0.5) json.user_asset = target.ext;
    }
    if (r() < 0.8) json.actor_ip = pick(IPS);
    if (r() < 0.6) {
      json.entity_name = pick(ENTITIES);
      if (r() < 0.5) json.entity_asset = `RW50:${String(json.entity_name).length}`;
    }
    if (r() < 0.5) json.project_name = pick(PROJECTS);
    if (r() < 0.2) json.artifact_digest = `d${Math.floor(r() * 50)}`;
    if (r() < 0.1) json.cli_version = r() < 0.5 ? "0.19.1" : 42;
    const code = pick(CODES);
    if (code !== null) json.response_code = code;
    // Unknown keys: kept by the store, searched by bare words, never returned.
    if (r() < 0.15) Object.assign(json, { request: { path: r() < 0.5 ? "/API/Keys" : "/runs", tags: ["Alpha", "beta"] }, note: "Robotics export", n: 7 });
    out.push({ seq: 0, ts, json, actor, target });
  }
  return out.map((e, i) => ({ ...e, seq: firstSeq + i }));
}

/** The stored line of an event: schema keys only, in schema order (as ingest writes it). */
export function storedLine(e: TestEvent): string {
  const body: Record<string, unknown> = {};
  for (const k of SCHEMA_KEYS) if (e.json[k] !== undefined && e.json[k] !== null) body[k] = k === "timestamp" ? new Date(e.ts).toISOString() : e.json[k];
  return JSON.stringify(body);
}

/** Unknown keys of an event, or null. */
export function unknownKeys(e: TestEvent): Record<string, unknown> | null {
  const extra: Record<string, unknown> = {};
  let any = false;
  for (const [k, v] of Object.entries(e.json)) {
    if ((SCHEMA_KEYS as readonly string[]).includes(k)) continue;
    extra[k] = v;
    any = true;
  }
  return any ? extra : null;
}

/** The model users a value names: email (case-insensitive), platform id, or username (case-insensitive). */
export function resolveModel(value: string): ModelUser[] {
  const v = value.toLowerCase();
  return MODEL_USERS.filter((u) => u.email === v || u.ext === value || (u.username !== null && u.username.toLowerCase() === v));
}

function stringsOf(e: TestEvent): string[] {
  const out: string[] = [];
  const walk = (v: unknown) => {
    if (typeof v === "string") out.push(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v !== null && typeof v === "object") Object.values(v).forEach(walk);
  };
  for (const [k, v] of Object.entries(e.json)) if (k !== "timestamp") walk(v);
  return out;
}

function holds(c: Condition, e: TestEvent): boolean {
  const o = e.json;
  switch (c.kind) {
    case "action":
      return c.prefix ? (o.action as string).startsWith(c.value) : o.action === c.value;
    case "actor":
      return e.actor !== null && resolveModel(c.value).includes(e.actor);
    case "user":
      return e.target !== null && resolveModel(c.value).includes(e.target);
    case "entity":
      return typeof o.entity_name === "string" && o.entity_name.toLowerCase() === c.value;
    case "project":
      return typeof o.project_name === "string" && o.project_name.toLowerCase() === c.value;
    case "ip": {
      const a = typeof o.actor_ip === "string" ? parseIpAddress(o.actor_ip) : null;
      return a !== null && ipInNet(a, c.net);
    }
    case "status": {
      const code = typeof o.response_code === "number" ? o.response_code : null;
      return c.none ? code === null : code !== null && code >= c.min && code <= c.max;
    }
    case "created": {
      const day = Math.floor(e.ts / DAY_MS);
      return (c.fromDay === null || day >= c.fromDay) && (c.toDay === null || day <= c.toDay);
    }
    case "text":
      return stringsOf(e).some((s) => s.toLowerCase().includes(c.value));
  }
}

/** The reference: every group holds (one of its conditions) and no excluded condition does. */
export function refMatches(q: FilterQuery, e: TestEvent): boolean {
  return q.groups.every((g) => g.some((c) => holds(c, e))) && q.excluded.every((c) => !holds(c, e));
}

export const newestFirst = (a: TestEvent, b: TestEvent) => b.ts - a.ts || b.seq - a.seq;
export const oldestFirst = (a: TestEvent, b: TestEvent) => a.ts - b.ts || a.seq - b.seq;

export function parseOrThrow(text: string): FilterQuery {
  const p = parseFilter(text);
  if (!p.ok) throw new Error(p.error.message);
  return p.query;
}

/** Queries over every row of the language, negations, ORs and combinations. */
export const REFERENCE_QUERIES = [
  "",
  "action:user:login",
  "action:run:*",
  'action:"run:*"',
  "action:user:login action:run:delete",
  "actor:ann@acme.test",
  "actor:ANN@ACME.TEST",
  "actor:VXNlcjoy",
  "actor:bobby",
  "actor:ann",
  "actor:nobody@nowhere.test",
  "user:cy@other.test",
  "-user:cy@other.test",
  "entity:ml-team",
  "entity:ML-TEAM project:big-model",
  'entity:"vision group"',
  'project:"x\\"quoted\\""',
  "ip:10.1.2.3",
  "ip:10.1.0.0/16",
  "ip:2001:db8::/32",
  "ip:::ffff:10.1.0.0/112",
  "-ip:10.0.0.0/8",
  "status:200",
  "status:4xx",
  "status:>=400",
  "status:<300",
  "status:none",
  "-status:none",
  "status:401 status:403",
  "created:2026-10-05",
  "created:>=2026-11-01",
  "created:<2026-10-10",
  "created:2026-10-10..2026-10-20",
  "created:2026-10-03 created:2026-11-20..2026-11-21",
  "-created:2026-10-10..2026-11-20",
  "robotics",
  '"/api/keys"',
  "alpha",
  "acme",
  "0.19",
  "2026",
  "-acme",
  "ann -actor:ann@acme.test",
  "action:run:* -action:run:update status:>=400",
  "actor:ann@acme.test action:user:* -status:4xx created:>=2026-10-15",
  "ip:10.1.0.0/16 entity:robotics user:bob@acme.test",
  "zzz-not-anywhere",
  "-zzz-not-anywhere",
];
