// POST /api/v1/session signs in with username + API key (JSON, or a no-JS form post);
// DELETE signs out. Both refuse cross-origin requests (lib/http/route.ts).
import { z } from "zod";
import { checkCredentials } from "@/lib/auth/authorize";
import { clearSessionCookie, createSession, deleteSession, readCookie, SESSION_COOKIE, sessionCookie } from "@/lib/auth/sessions";
import { getStore } from "@/lib/db/client";
import { HttpError } from "@/lib/http/errors";
import { publicRoute } from "@/lib/http/route";
import { isHttps } from "@/lib/web/same-origin";

export const dynamic = "force-dynamic";

const credentialsSchema = z.object({
  username: z.string().trim().min(1, "username is required").max(128),
  apiKey: z.string().trim().min(1, "API key is required").max(512),
});

export const POST = publicRoute({ body: { kind: "json", schema: credentialsSchema, acceptForm: true } }, async ({ request, body, isForm }) => {
  const { db } = await getStore();
  const account = await checkCredentials(request, db, body.username, body.apiKey);
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

export const DELETE = publicRoute({}, async ({ request }) => {
  const token = readCookie(request.headers.get("cookie"), SESSION_COOKIE);
  if (token) {
    const { db } = await getStore();
    await deleteSession(db, token);
  }
  return Response.json({ ok: true }, { headers: { "set-cookie": clearSessionCookie(), "cache-control": "no-store" } });
});
