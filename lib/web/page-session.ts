import "server-only";
import { cookies, headers } from "next/headers";
import { cache } from "react";
import type { Account } from "../auth/accounts";
import { resolveOrg } from "../auth/authorize";
import { accountForSession, SECURE_SESSION_COOKIE, SESSION_COOKIE } from "../auth/sessions";
import { getStore } from "../db/client";
import type { Database } from "../db/types";
import { env, type Deployment } from "../env";
import { HttpError } from "../http/errors";
import type { Kysely } from "kysely";

/**
 * Who is looking at a page. `admin` and `auditor` may view the dashboard (an auditor reads
 * everything and changes nothing: pages hide what it cannot use, and the API refuses it
 * anyway); a `member` gets `forbidden`. Pages that only admins may see (Settings) check
 * `kind === "admin"`.
 */
export type PageSession =
  | { kind: "signed-out" }
  | { kind: "forbidden"; username: string; message: string }
  | { kind: "admin" | "auditor"; role: "admin" | "auditor"; username: string; orgSlug: string; deployment: Deployment };

/** The session's account, or null; cached per request (the layout and the page both ask). */
const getPageAccount = cache(async (): Promise<Account | null> => {
  const jar = await cookies();
  // Over https only the __Host- cookie counts (lib/auth/sessions.ts).
  const secure = ((await headers()).get("x-forwarded-proto") ?? "").split(",")[0]!.trim() === "https";
  const token = jar.get(SECURE_SESSION_COOKIE)?.value ?? (secure ? undefined : jar.get(SESSION_COOKIE)?.value);
  if (!token) return null;
  const { db } = await getStore();
  return accountForSession(db, token);
});

/** One of the account's organizations, for the header's switcher. */
export interface AccountOrg {
  slug: string;
  role: string;
  /** Created as a demo organization (the demo banner shows on it). */
  demo: boolean;
}

/**
 * The organization a page opens on without `?org=`: the API's (the account's default, else
 * its only one, else `default`), except that while that one holds no events and the account
 * is in a demo organization that does, the page opens on the demo, so a first start shows
 * something worth looking at (README "First start"). The API's own default is not changed.
 * Cached per request: the header (getAccountOrgs) and the page (getPageSession) both ask.
 */
const landingOrg = cache(async (db: Kysely<Database>, account: Account, deployment: Deployment): Promise<string> => {
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
});

/**
 * Who is looking at a page, from the session cookie, and in which organization: `?org=SLUG`
 * (`requested`), else the landing organization. Cached per request and organization.
 */
export function getPageSession(requested?: string | null): Promise<PageSession> {
  // One resolution per request and organization: the layout asks without `org=`, a page with
  // `null` or "" when the URL has none; all three are the same question.
  return pageSessionFor(requested || null);
}

const pageSessionFor = cache(async (requested: string | null): Promise<PageSession> => {
  const account = await getPageAccount();
  if (!account) return { kind: "signed-out" };
  const { db } = await getStore();
  const deployment = env().ORGTRAIL_DEPLOYMENT;
  try {
    const org = await resolveOrg(db, account, deployment, requested || (await landingOrg(db, account, deployment)));
    if (org.role !== "admin" && org.role !== "auditor") {
      return { kind: "forbidden", username: account.username, message: `Your role in ${org.slug} is ${org.role}.` };
    }
    return { kind: org.role, role: org.role, username: account.username, orgSlug: org.slug, deployment };
  } catch (error) {
    if (error instanceof HttpError) return { kind: "forbidden", username: account.username, message: error.message };
    throw error;
  }
});

/** The signed-in account's organizations (oldest membership first), and where a page opens without `?org=`. */
export const getAccountOrgs = cache(async (): Promise<{ orgs: AccountOrg[]; landing: string | null }> => {
  const account = await getPageAccount();
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

export async function getReaderPageSession(requested?: string): Promise<ReaderPageSession> {
  const session = await getPageSession(requested);
  if (session.kind === "signed-out" || session.kind === "forbidden") return session;
  return { kind: "reader", username: session.username, orgSlug: session.orgSlug, role: session.role, deployment: session.deployment };
}
