// POST /api/v1/session signs in with username + API key (JSON, or a no-JS form post);
// DELETE signs out. Both refuse cross-origin requests (lib/http/route.ts).
import { z } from "zod";
import { recordAuthEvent } from "@/lib/auth/access-log";
import { checkCredentials } from "@/lib/auth/authorize";
import { endSession, startSession } from "@/lib/auth/sign-in";
import { getStore } from "@/lib/db/client";
import { HttpError } from "@/lib/http/errors";
import { publicRoute } from "@/lib/http/route";
import { safeNextPath } from "@/lib/web/safe-next";

export const dynamic = "force-dynamic";

const credentialsSchema = z.object({
  username: z.string().trim().min(1, "username is required").max(128),
  apiKey: z.string().trim().min(1, "API key is required").max(512),
  /** Where the form post lands after sign-in (a same-origin path; lib/web/safe-next.ts). */
  next: z.string().max(2048).optional(),
});

export const POST = publicRoute({ body: { kind: "json", schema: credentialsSchema, acceptForm: true } }, async ({ request, body, isForm }) => {
  const { db } = await getStore();
  const back = (error: string) => `/signin?error=${error}${body.next ? `&next=${encodeURIComponent(safeNextPath(body.next))}` : ""}`;
  let account;
  try {
    account = await checkCredentials(request, db, body.username, body.apiKey);
  } catch (error) {
    if (isForm && error instanceof HttpError && error.status === 429) return new Response(null, { status: 303, headers: { location: back("throttled") } });
    throw error;
  }
  if (!account) {
    if (isForm) {
      await recordAuthEvent(db, "sign_in_refused", { request, username: body.username });
      return new Response(null, { status: 303, headers: { location: back("invalid") } });
    }
    // No `WWW-Authenticate: Basic` here: with it, the browser would pop its own password dialog.
    throw new HttpError(401, "unauthorized", "invalid username or API key");
  }
  const cookie = await startSession(request, db, account, "api_key");
  if (isForm) return new Response(null, { status: 303, headers: { location: safeNextPath(body.next), "set-cookie": cookie } });
  return Response.json({ ok: true }, { headers: { "set-cookie": cookie, "cache-control": "no-store" } });
});

export const DELETE = publicRoute({}, async ({ request }) => {
  const { db } = await getStore();
  const headers = new Headers({ "cache-control": "no-store" });
  for (const cookie of await endSession(request, db)) headers.append("set-cookie", cookie);
  return Response.json({ ok: true }, { headers });
});
