import "server-only";
import { cookies, headers } from "next/headers";
import { cache } from "react";
import type { Account } from "../auth/accounts";
import { resolveOrg } from "../auth/authorize";
import { accountForSession, SECURE_SESSION_COOKIE, SESSION_COOKIE } from "../auth/sessions";
import { getStore } from "../db/client";
import { env, type Deployment } from "../env";
import { HttpError } from "../http/errors";

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

/** Who is looking at a page, from the session cookie; cached per request (layout + page). */
export const getPageSession = cache(async (): Promise<PageSession> => {
  const account = await getPageAccount();
  if (!account) return { kind: "signed-out" };
  const { db } = await getStore();
  const deployment = env().ORGTRAIL_DEPLOYMENT;
  try {
    const org = await resolveOrg(db, account, deployment);
    if (org.role !== "admin" && org.role !== "auditor") {
      return { kind: "forbidden", username: account.username, message: `Your role in ${org.slug} is ${org.role}.` };
    }
    return { kind: org.role, role: org.role, username: account.username, orgSlug: org.slug, deployment };
  } catch (error) {
    if (error instanceof HttpError) return { kind: "forbidden", username: account.username, message: error.message };
    throw error;
  }
});

/** A page that admins and auditors may read (the Data page): the organization from `org=SLUG` when given, with the role. */
export type ReaderPageSession =
  | { kind: "signed-out" }
  | { kind: "forbidden"; username: string; message: string }
  | { kind: "reader"; username: string; orgSlug: string; role: "admin" | "auditor"; deployment: Deployment };

export const getReaderPageSession = cache(async (requested?: string): Promise<ReaderPageSession> => {
  const account = await getPageAccount();
  if (!account) return { kind: "signed-out" };
  const { db } = await getStore();
  const deployment = env().ORGTRAIL_DEPLOYMENT;
  try {
    const org = await resolveOrg(db, account, deployment, requested);
    if (org.role !== "admin" && org.role !== "auditor")
      return { kind: "forbidden", username: account.username, message: "You need to be an organization admin or auditor to view this page." };
    return { kind: "reader", username: account.username, orgSlug: org.slug, role: org.role, deployment };
  } catch (error) {
    if (error instanceof HttpError) return { kind: "forbidden", username: account.username, message: error.message };
    throw error;
  }
});
