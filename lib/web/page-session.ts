import "server-only";
import { cookies } from "next/headers";
import { cache } from "react";
import { resolveOrg } from "../auth/authorize";
import { accountForSession, SESSION_COOKIE } from "../auth/sessions";
import type { Account } from "../auth/accounts";
import { getStore } from "../db/client";
import type { Database } from "../db/types";
import { env, type Deployment } from "../env";
import { HttpError } from "../http/errors";
import type { Kysely } from "kysely";

export type PageSession =
  | { kind: "signed-out" }
  | { kind: "forbidden"; username: string; message: string }
  | { kind: "admin"; username: string; orgSlug: string; deployment: Deployment };

/** One of the account's organizations, for the header's switcher. */
export interface AccountOrg {
  slug: string;
  role: string;
  /** Created as a demo organization (the demo banner shows on it). */
  demo: boolean;
}

const sessionAccount = cache(async (): Promise<Account | null> => {
  const token = (await cookies()).get(SESSION_COOKIE)?.value;
  if (!token) return null;
  const { db } = await getStore();
  return accountForSession(db, token);
});

/**
 * The organization a page opens on without `?org=`: the API's (the account's default, else
 * its only one, else `default`), except that while that one holds no events and the account
 * is in a demo organization that does, the page opens on the demo, so a first start shows
 * something worth looking at (README "First start"). The API's own default is not changed.
 */
async function landingOrg(db: Kysely<Database>, account: Account, deployment: Deployment): Promise<string> {
  const org = await resolveOrg(db, account, deployment);
  const own = await db.selectFrom("organizations").select(["last_seq", "demo"]).where("id", "=", org.orgId).executeTakeFirst();
  if (!own || own.demo === 1 || Number(own.last_seq) > 0) return org.slug;
  const demo = await db
    .selectFrom("memberships")
    .innerJoin("organizations", "organizations.id", "memberships.org_id")
    .select("organizations.slug")
    .where("memberships.account_id", "=", account.id)
    .where("organizations.demo", "=", 1)
    .where("organizations.last_seq", ">", 0)
    .orderBy("organizations.id")
    .executeTakeFirst();
  return demo?.slug ?? org.slug;
}

/**
 * Who is looking at a page, from the session cookie, and in which organization: `?org=SLUG`
 * (`requested`), else the landing organization. Cached per request and organization.
 */
export const getPageSession = cache(async (requested?: string | null): Promise<PageSession> => {
  const account = await sessionAccount();
  if (!account) return { kind: "signed-out" };
  const { db } = await getStore();
  const deployment = env().ORGTRAIL_DEPLOYMENT;
  try {
    const org = await resolveOrg(db, account, deployment, requested || (await landingOrg(db, account, deployment)));
    if (org.role !== "admin") return { kind: "forbidden", username: account.username, message: "You need to be an organization admin to view this dashboard." };
    return { kind: "admin", username: account.username, orgSlug: org.slug, deployment };
  } catch (error) {
    if (error instanceof HttpError) return { kind: "forbidden", username: account.username, message: error.message };
    throw error;
  }
});

/** The signed-in account's organizations (oldest membership first), and where a page opens without `?org=`. */
export const getAccountOrgs = cache(async (): Promise<{ orgs: AccountOrg[]; landing: string | null }> => {
  const account = await sessionAccount();
  if (!account) return { orgs: [], landing: null };
  const { db } = await getStore();
  const rows = await db
    .selectFrom("memberships")
    .innerJoin("organizations", "organizations.id", "memberships.org_id")
    .select(["organizations.slug as slug", "memberships.role as role", "organizations.demo as demo"])
    .where("memberships.account_id", "=", account.id)
    .orderBy("memberships.created_at")
    .orderBy("organizations.id")
    .execute();
  let landing: string | null = null;
  try {
    landing = await landingOrg(db, account, env().ORGTRAIL_DEPLOYMENT);
  } catch (error) {
    if (!(error instanceof HttpError)) throw error;
  }
  return { orgs: rows.map((r) => ({ slug: r.slug, role: r.role, demo: r.demo === 1 })), landing };
});

/** A page that admins and auditors may read (the Data page): the organization from `org=SLUG` when given, with the role. */
export type ReaderPageSession =
  | { kind: "signed-out" }
  | { kind: "forbidden"; username: string; message: string }
  | { kind: "reader"; username: string; orgSlug: string; role: "admin" | "auditor"; deployment: Deployment };

export const getReaderPageSession = cache(async (requested?: string): Promise<ReaderPageSession> => {
  const account = await sessionAccount();
  if (!account) return { kind: "signed-out" };
  const { db } = await getStore();
  const deployment = env().ORGTRAIL_DEPLOYMENT;
  try {
    // Without `org=`, the same landing organization as the dashboard (the demo on a first start).
    const org = await resolveOrg(db, account, deployment, requested || (await landingOrg(db, account, deployment)));
    if (org.role !== "admin" && org.role !== "auditor")
      return { kind: "forbidden", username: account.username, message: "You need to be an organization admin or auditor to view this page." };
    return { kind: "reader", username: account.username, orgSlug: org.slug, role: org.role, deployment };
  } catch (error) {
    if (error instanceof HttpError) return { kind: "forbidden", username: account.username, message: error.message };
    throw error;
  }
});
