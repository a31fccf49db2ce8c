/**
 * SPEC §4 identity, once: a user is matched by platform id (`actor_user_id` / `user_asset`)
 * first, then by email, case-insensitively. Used by the ingest planner (lib/ingest/plan-batch.ts)
 * and by the directory import (lib/users/import-users.ts), which adds the username as a third
 * key and its own rules for what a directory entry may change.
 *
 * Pure: the store is reached only through the lookups the caller injects (called at most once
 * per key, memoized), and every decision is returned, never written.
 */

/** A user row as identity sees it. `id` is the users.id, or a negative placeholder for a user this batch creates. */
export interface KnownUser {
  id: number;
  external_id: string | null;
  email_key: string | null;
  username?: string | null;
  first_seen_at?: number | null;
  first_invited_at?: number | null;
}

export interface IdentityLookups {
  byId(externalId: string): KnownUser | null;
  byEmail(emailKey: string): KnownUser | null;
}

/** The case-insensitive identity key of an email. */
export function emailKeyOf(email: string | null | undefined): string | null {
  return email ? email.toLowerCase() : null;
}

/**
 * The users a batch has seen, memoized: one object per user, so that an id or email learned
 * through one key is seen through the other, and a key looked up once is never looked up again.
 */
export class IdentityIndex {
  private readonly users = new Map<number, KnownUser>();
  private readonly ids = new Map<string, KnownUser | null>();
  private readonly emails = new Map<string, KnownUser | null>();

  constructor(private readonly lookups: IdentityLookups) {}

  private canonical(row: KnownUser | null): KnownUser | null {
    if (!row) return null;
    const cur = this.users.get(row.id);
    if (cur) return cur;
    this.users.set(row.id, row);
    return row;
  }

  byId(externalId: string): KnownUser | null {
    let u = this.ids.get(externalId);
    if (u === undefined) {
      u = this.canonical(this.lookups.byId(externalId));
      this.ids.set(externalId, u);
    }
    return u;
  }

  byEmail(emailKey: string): KnownUser | null {
    let u = this.emails.get(emailKey);
    if (u === undefined) {
      u = this.canonical(this.lookups.byEmail(emailKey));
      this.emails.set(emailKey, u);
    }
    return u;
  }

  /** SPEC §4 matching: the id first, then the email. */
  match(externalId: string | null, emailKey: string | null): KnownUser | null {
    return (externalId !== null ? this.byId(externalId) : null) ?? (emailKey !== null ? this.byEmail(emailKey) : null);
  }

  /** Registers a user (new, or with a key learned): its keys now find it. */
  remember(u: KnownUser): void {
    this.users.set(u.id, u);
    if (u.external_id !== null) this.ids.set(u.external_id, u);
    if (u.email_key !== null) this.emails.set(u.email_key, u);
  }

  /** An email no longer held by the user that held it (a directory import moved it). */
  releaseEmail(emailKey: string): void {
    this.emails.set(emailKey, null);
  }

  /** Every user seen, with its current keys. */
  seen(): Iterable<KnownUser> {
    return this.users.values();
  }
}

/** What resolving an event's identity changes in the store. */
export interface IdentityChanges {
  /** Users to create, in order; their `id` is a placeholder (-1, -2, ...). */
  created: (KnownUser & { email: string | null })[];
  /** Existing users that learned a key: the email (with its key) or the id. */
  learned: Map<number, { email?: string; email_key?: string; external_id?: string }>;
}

/**
 * The user an event's actor or target (platform id, email) is, creating it when neither
 * key is known (SPEC §4). A user found by id learns the email when it has none and no other
 * user holds it; a user found by email learns the id when it has none. No id and no email:
 * no user (null).
 */
export function resolveEventIdentity(index: IdentityIndex, changes: IdentityChanges, externalId: string | null, email: string | null): number | null {
  const emailKey = emailKeyOf(email);
  if (externalId !== null) {
    const u = index.byId(externalId);
    if (u) {
      if (emailKey !== null && u.email_key === null && !index.byEmail(emailKey)) {
        u.email_key = emailKey;
        learn(changes, u, { email: email!, email_key: emailKey });
        index.remember(u);
      }
      return u.id;
    }
  }
  if (emailKey !== null) {
    const u = index.byEmail(emailKey);
    if (u) {
      if (externalId !== null && u.external_id === null) {
        u.external_id = externalId;
        learn(changes, u, { external_id: externalId });
        index.remember(u);
      }
      return u.id;
    }
  }
  if (externalId === null && emailKey === null) return null;
  const created = { id: -(changes.created.length + 1), external_id: externalId, email, email_key: emailKey, first_seen_at: null, first_invited_at: null };
  changes.created.push(created);
  index.remember(created);
  return created.id;
}

function learn(changes: IdentityChanges, u: KnownUser, change: { email?: string; email_key?: string; external_id?: string }): void {
  if (u.id < 0) {
    // A user this batch creates (the same object as in `created`): its creation carries the key.
    if (change.email !== undefined) (u as KnownUser & { email: string | null }).email = change.email;
    return;
  }
  changes.learned.set(u.id, { ...changes.learned.get(u.id), ...change });
}
