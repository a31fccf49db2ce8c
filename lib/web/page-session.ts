import "server-only";
import { cookies, headers } from "next/headers";
import { cache } from "react";
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

/** Who is looking at a page, from the session cookie; cached per request (layout + page). */
export const getPageSession = cache(async (): Promise<PageSession> => {
  const jar = await cookies();
  // Over https only the __Host- cookie counts (lib/auth/sessions.ts).
  const secure = ((await headers()).get("x-forwarded-proto") ?? "").split(",")[0]!.trim() === "https";
  const token = jar.get(SECURE_SESSION_COOKIE)?.value ?? (secure ? undefined : jar.get(SESSION_COOKIE)?.value);
  if (!token) return { kind: "signed-out" };
  const { db } = await getStore();
  const account = await accountForSession(db, token);
  if (!account) return { kind: "signed-out" };
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
