import type { Kysely } from "kysely";
import type { Database } from "./types";

export const DEFAULT_ORG = "default";

const SLUG_RE = /^[a-z0-9][a-z0-9_-]{0,62}$/i;

export function isValidOrgSlug(slug: string): boolean {
  return SLUG_RE.test(slug);
}

export async function findOrgBySlug(db: Kysely<Database>, slug: string) {
  return db.selectFrom("organizations").selectAll().where("slug", "=", slug).executeTakeFirst();
}

/** The organization named `slug`, created when missing. */
export async function ensureOrg(db: Kysely<Database>, slug: string = DEFAULT_ORG): Promise<number> {
  if (!isValidOrgSlug(slug)) throw new Error(`invalid organization name ${JSON.stringify(slug)}: use letters, digits, - and _`);
  await db
    .insertInto("organizations")
    .values({ slug, name: slug, created_at: Date.now(), last_seq: 0 })
    .onConflict((oc) => oc.column("slug").doNothing())
    .execute();
  const org = await findOrgBySlug(db, slug);
  if (!org) throw new Error(`organization ${slug} could not be created`);
  return org.id;
}
