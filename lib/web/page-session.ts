import "server-only";
import { cookies } from "next/headers";
import { cache } from "react";
import { resolveOrg } from "../auth/authorize";
import { accountForSession, SESSION_COOKIE } from "../auth/sessions";
import { getStore } from "../db/client";
import { env, type Deployment } from "../env";
import { HttpError } from "../http/errors";

export type PageSession =
  | { kind: "signed-out" }
  | { kind: "forbidden"; username: string; message: string }
  | { kind: "admin"; username: string; orgSlug: string; deployment: Deployment };

/** Who is looking at a page, from the session cookie; cached per request (layout + page). */
export const getPageSession = cache(async (): Promise<PageSession> => {
  const token = (await cookies()).get(SESSION_COOKIE)?.value;
  if (!token) return { kind: "signed-out" };
  const { db } = await getStore();
  const account = await accountForSession(db, token);
  if (!account) return { kind: "signed-out" };
  const deployment = env().ORGTRAIL_DEPLOYMENT;
  try {
    const org = await resolveOrg(db, account, deployment);
    if (org.role !== "admin") return { kind: "forbidden", username: account.username, message: "You need to be an organization admin to view this dashboard." };
    return { kind: "admin", username: account.username, orgSlug: org.slug, deployment };
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
  const token = (await cookies()).get(SESSION_COOKIE)?.value;
  if (!token) return { kind: "signed-out" };
  const { db } = await getStore();
  const account = await accountForSession(db, token);
  if (!account) return { kind: "signed-out" };
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
