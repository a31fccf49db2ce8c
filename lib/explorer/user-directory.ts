/** The organization's users as `actor:` / `user:` values resolve them (SPEC §4 identity). Pure. */
import { emailKeyOf } from "../ingest/identity";

export interface UserIdentity {
  id: number;
  email: string | null;
  emailKey: string | null;
  externalId: string | null;
  username: string | null;
}

/** The organization's users, for `actor:` / `user:` values and facet labels. */
export class UserDirectory {
  private readonly byId = new Map<number, UserIdentity>();

  constructor(
    readonly version: number,
    readonly users: readonly UserIdentity[],
  ) {
    for (const u of users) this.byId.set(u.id, u);
  }

  /**
   * users.id of the users a value names (SPEC §4 identity): the email compared
   * case-insensitively, the platform user id exactly, or the directory's username
   * (case-insensitively).
   */
  resolve(value: string): number[] {
    const folded = value.toLowerCase();
    // The email's key as ingest and the users import compute it (lib/ingest/identity.ts).
    const emailKey = emailKeyOf(value);
    const out: number[] = [];
    for (const u of this.users) {
      if (u.emailKey === emailKey || u.externalId === value || (u.username !== null && u.username.toLowerCase() === folded)) out.push(u.id);
    }
    return out;
  }

  /** How a user shows in facets: the email, else the platform id, else the username. */
  label(id: number): string | null {
    const u = this.byId.get(id);
    if (!u) return null;
    return u.email ?? u.externalId ?? u.username;
  }
}
