/**
 * The ingest planner: one batch of parsed events, plus what the store answers to a few
 * questions (injected lookups), to everything the batch writes. Pure (no I/O, no clock: the
 * caller passes `now`), so the SPEC §4 rules, dedupe, sequence numbers and the hash chain are
 * decided once, here, and the executors (lib/ingest/write-sqlite.ts, write-postgres.ts) only
 * write the plan (docs/INGEST.md, "Planner and executors").
 *
 * Order of decisions, as before the split: first occurrence wins within the batch; an event
 * already stored (same dedupe key, which fixes its time) is a duplicate and uses no sequence
 * number; identities are resolved for the fresh events in batch order, actor then target;
 * each fresh event gets the next sequence number and chain link.
 */
import { isActiveResponse, type NormalizedEvent } from "../audit/event";
import type { EventsTable } from "../db/types";
import { isLifecycleAction } from "../audit/schema";
import { dayNumber } from "../audit/timestamp";
import { nextChain } from "../trust/chain";
import { IdentityIndex, resolveEventIdentity, type IdentityChanges, type IdentityLookups, type KnownUser } from "./identity";

/** The organization's sequence and chain head, as read under its lock (lib/db/org-lock.ts). */
export interface OrgHead {
  lastSeq: number;
  chainHead: string;
}

export interface EventLookups extends IdentityLookups {
  /** Whether an event with this dedupe key is stored (the key fixes the time, given to narrow the lookup). */
  isStored(dedupeKey: string, tsMs: number): boolean;
}

/** An `events` row but its organization. `actor_id` / `target_id` are users.id, or negative placeholders of `newUsers`. */
export type EventRow = Omit<EventsTable, "org_id">;

/** A user the batch creates; `id` is its placeholder (-1, -2, ... in creation order). */
export interface NewUser {
  id: number;
  external_id: string | null;
  email: string | null;
  email_key: string | null;
  first_seen_at: number;
  first_invited_at: number | null;
}

/** An existing user's row after the batch (every column identity or first-seen may change). */
export interface UserUpdate {
  id: number;
  external_id: string | null;
  /** The email as first written when learned now; undefined when unchanged. */
  email?: string;
  email_key: string | null;
  first_seen_at: number | null;
  first_invited_at: number | null;
}

export interface LifecycleRow {
  user_id: number;
  seq: number;
  ts: number;
  action: string;
  entity_name: string | null;
}

/** One user's active events of one UTC day in the batch (the user_day feed). */
export interface DayDelta {
  user_id: number;
  day: number;
  events: number;
  first_ts: number;
  last_ts: number;
}

export interface EventPlan {
  rows: EventRow[];
  /** The fresh events, in sequence order (for the result: metrics, alerts). */
  stored: NormalizedEvent[];
  duplicates: number;
  newUsers: NewUser[];
  userUpdates: UserUpdate[];
  lifecycle: LifecycleRow[];
  days: DayDelta[];
  head: OrgHead;
}

export type ChainHash = (prev: string, seq: number, leaf: string) => string;

/** Keys of the per-batch user-day map: user and day as one number (no string per event). */
const DAY_SPAN = 8_388_608; // 2^23: days of years 0-9999 lie within ±2^22
const dayKey = (user: number, day: number) => user * DAY_SPAN + day + DAY_SPAN / 2;

export function planEvents(
  input: { events: readonly NormalizedEvent[]; head: OrgHead; now: number },
  lookups: EventLookups,
  hash: ChainHash = nextChain,
): EventPlan {
  const index = new IdentityIndex(lookups);
  const changes: IdentityChanges = { created: [], learned: new Map() };
  const rows: EventRow[] = [];
  const stored: NormalizedEvent[] = [];
  const lifecycle: LifecycleRow[] = [];
  const days = new Map<number, DayDelta>();
  const firstSeen = new Map<number, number>();
  const firstInvited = new Map<number, number>();
  const touch = (map: Map<number, number>, user: number, ts: number) => {
    const cur = map.get(user);
    if (cur === undefined || ts < cur) map.set(user, ts);
  };
  const seen = new Set<string>();
  let seq = input.head.lastSeq;
  let chain = input.head.chainHead;
  let duplicates = 0;

  for (const e of input.events) {
    if (seen.has(e.dedupeKey)) {
      duplicates++;
      continue;
    }
    seen.add(e.dedupeKey);
    if (lookups.isStored(e.dedupeKey, e.tsMs)) {
      duplicates++;
      continue;
    }
    const actor = resolveEventIdentity(index, changes, e.actorId, e.actorEmail);
    const target = resolveEventIdentity(index, changes, e.targetId, e.targetEmail);
    seq++;
    chain = hash(chain, seq, e.dedupeKey);
    rows.push({
      seq,
      ts: e.tsMs,
      action: e.action,
      actor_id: actor,
      target_id: target,
      response_code: e.responseCode,
      dedupe_key: e.dedupeKey,
      body: e.body,
      extra: e.extra,
      ingested_at: input.now,
      chain,
    });
    stored.push(e);
    if (actor !== null) {
      touch(firstSeen, actor, e.tsMs);
      if (isActiveResponse(e.responseCode)) {
        const day = dayNumber(e.tsMs);
        const key = dayKey(actor, day);
        const d = days.get(key);
        if (d) {
          d.events++;
          if (e.tsMs < d.first_ts) d.first_ts = e.tsMs;
          if (e.tsMs > d.last_ts) d.last_ts = e.tsMs;
        } else days.set(key, { user_id: actor, day, events: 1, first_ts: e.tsMs, last_ts: e.tsMs });
      }
    }
    if (target !== null) {
      touch(firstSeen, target, e.tsMs);
      if (isLifecycleAction(e.action)) {
        lifecycle.push({ user_id: target, seq, ts: e.tsMs, action: e.action, entity_name: e.entityName });
        if (e.action === "user:create" || e.action === "team:invite_user") touch(firstInvited, target, e.tsMs);
      }
    }
  }

  // Users: the new ones with their first times; the existing ones whose row changes.
  const earlier = (cur: number | null | undefined, ts: number | undefined) =>
    ts !== undefined && (cur === null || cur === undefined || ts < cur) ? ts : (cur ?? null);
  const newUsers: NewUser[] = changes.created.map((u) => ({
    id: u.id,
    external_id: u.external_id,
    email: u.email,
    email_key: u.email_key,
    first_seen_at: firstSeen.get(u.id)!,
    first_invited_at: firstInvited.get(u.id) ?? null,
  }));
  const userUpdates: UserUpdate[] = [];
  for (const u of index.seen()) {
    if (u.id < 0) continue;
    const learned = changes.learned.get(u.id);
    const seenAt = earlier(u.first_seen_at, firstSeen.get(u.id));
    const invitedAt = earlier(u.first_invited_at, firstInvited.get(u.id));
    if (!learned && seenAt === (u.first_seen_at ?? null) && invitedAt === (u.first_invited_at ?? null)) continue;
    userUpdates.push({
      id: u.id,
      external_id: u.external_id,
      ...(learned?.email !== undefined ? { email: learned.email } : {}),
      email_key: u.email_key,
      first_seen_at: seenAt,
      first_invited_at: invitedAt,
    });
  }
  userUpdates.sort((a, b) => a.id - b.id);

  return {
    rows,
    stored,
    duplicates,
    newUsers,
    userUpdates,
    lifecycle,
    days: [...days.values()],
    head: { lastSeq: seq, chainHead: chain },
  };
}

export type { KnownUser };
