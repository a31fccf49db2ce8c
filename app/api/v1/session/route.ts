// POST /api/v1/session signs in with username + API key (JSON, or a no-JS form post);
// DELETE signs out. Both refuse cross-origin requests.
import { z } from "zod";
import { checkCredentials } from "@/lib/auth/authorize";
import { clearSessionCookie, createSession, deleteSession, readCookie, SESSION_COOKIE, sessionCookie } from "@/lib/auth/sessions";
import { getStore } from "@/lib/db/client";
import { badRequest, handle, HttpError } from "@/lib/http/errors";
import { isHttps, requireSameOrigin } from "@/lib/web/same-origin";

export const dynamic = "force-dynamic";

const MAX_BODY = 16 * 1024;
const credentialsSchema = z.object({
  username: z.string().trim().min(1, "username is required").max(128),
  apiKey: z.string().trim().min(1, "API key is required").max(512),
});

async function readCredentials(request: Request) {
  const text = await request.text();
  if (text.length > MAX_BODY) throw badRequest("request body too large");
  const isForm = (request.headers.get("content-type") ?? "").includes("application/x-www-form-urlencoded");
  let raw: unknown;
  if (isForm) raw = Object.fromEntries(new URLSearchParams(text));
  else {
    try {
      raw = JSON.parse(text);
    } catch {
      throw badRequest("expected a JSON body {username, apiKey}");
    }
  }
  const parsed = credentialsSchema.safeParse(raw);
  if (!parsed.success) throw badRequest(parsed.error.issues.map((i) => i.message).join("; "));
  return { ...parsed.data, isForm };
}

export const POST = handle(async (request: Request) => {
  requireSameOrigin(request);
  const { username, apiKey, isForm } = await readCredentials(request);
  const { db } = await getStore();
  const account = await checkCredentials(request, db, username, apiKey);
  if (!account) {
    if (isForm) return new Response(null, { status: 303, headers: { location: "/signin?error=invalid" } });
    // No `WWW-Authenticate: Basic` here: with it, the browser would pop its own password dialog.
    throw new HttpError(401, "unauthorized", "invalid username or API key");
  }
  const { token, expiresAt } = await createSession(db, account.id);
  const cookie = sessionCookie(token, expiresAt, isHttps(request));
  if (isForm) return new Response(null, { status: 303, headers: { location: "/org/dashboard", "set-cookie": cookie } });
  return Response.json({ ok: true }, { headers: { "set-cookie": cookie, "cache-control": "no-store" } });
});

export const DELETE = handle(async (request: Request) => {
  requireSameOrigin(request);
  const token = readCookie(request.headers.get("cookie"), SESSION_COOKIE);
  if (token) {
    const { db } = await getStore();
    await deleteSession(db, token);
  }
  return Response.json({ ok: true }, { headers: { "set-cookie": clearSessionCookie(), "cache-control": "no-store" } });
});
