/**
 * The demo organization: created as a demo (organizations.demo = 1, set at creation, never
 * changed; migration 0012), so it may later be removed whole (lib/demo/remove.ts) while every
 * other organization's log stays append-only.
 */
import type { Kysely } from "kysely";
import type { Database } from "../db/types";
import { isValidOrgSlug } from "../db/orgs";

export const DEMO_ORG = "demo";

/** An organization exists under the slug but was not created as a demo. */
export class NotADemoError extends Error {}

/** The demo organization `slug`, created (as a demo) when missing; refuses a real organization. */
export async function ensureDemoOrg(db: Kysely<Database>, slug: string = DEMO_ORG): Promise<number> {
  if (!isValidOrgSlug(slug)) throw new Error(`invalid organization name ${JSON.stringify(slug)}: use letters, digits, - and _`);
  await db
    .insertInto("organizations")
    .values({ slug, name: slug, created_at: Date.now(), last_seq: 0, demo: 1 })
    .onConflict((oc) => oc.column("slug").doNothing())
    .execute();
  const org = await db.selectFrom("organizations").select(["id", "demo"]).where("slug", "=", slug).executeTakeFirstOrThrow();
  if (org.demo !== 1) {
    throw new NotADemoError(
      `the organization ${JSON.stringify(slug)} was not created as a demo organization: its events would be kept for six years; choose another name for the demo (--org)`,
    );
  }
  return org.id;
}

/** Slugs of the demo organizations. */
export async function demoOrgSlugs(db: Kysely<Database>): Promise<string[]> {
  const rows = await db.selectFrom("organizations").select("slug").where("demo", "=", 1).orderBy("slug").execute();
  return rows.map((r) => r.slug);
}

/** A demo organization was removed from this store once: the first start does not seed it again. */
export async function demoWasRemoved(db: Kysely<Database>): Promise<boolean> {
  return (await db.selectFrom("demo_removals").select("org_id").limit(1).executeTakeFirst()) !== undefined;
}
