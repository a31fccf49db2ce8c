// POST /api/v1/data/integrity/verify → re-walks the organization's chain now and records the outcome; answers NDJSON:
// {"type":"progress","done","total"} lines while it walks, then {"type":"result","check":{...}} (or {"type":"error","message"}).
import { apiError } from "@/lib/http/errors";
import { orgRoute } from "@/lib/http/route";
import type { VerifyStreamLine } from "@/lib/sources/data-views";
import { runIntegrityCheck, verificationStartedAt, VerificationRunningError } from "@/lib/trust/integrity-checks";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

const encoder = new TextEncoder();
const line = (l: VerifyStreamLine) => encoder.encode(`${JSON.stringify(l)}\n`);

export const POST = orgRoute({ role: "admin" }, async (ctx) => {
  // Refused before answering, so "already running" is a plain 409 rather than a line in a 200.
  const since = verificationStartedAt(ctx.orgId);
  if (since !== null) throw apiError("conflict", new VerificationRunningError(since).message);
  let send: (l: VerifyStreamLine) => void = () => {};
  const outcome = runIntegrityCheck(ctx.store, ctx.orgId, {
    accountId: ctx.account.id,
    actor: ctx.account.username,
    signal: ctx.request.signal,
    onProgress: (done, total) => send({ type: "progress", done, total }),
  });
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      send = (l) => {
        try {
          controller.enqueue(line(l));
        } catch {
          // the client went away; the walk stops through the request's signal
        }
      };
      outcome.then(
        (check) => send({ type: "result", check }),
        (error: unknown) => send({ type: "error", message: error instanceof Error ? error.message : String(error) }),
      ).finally(() => {
        try {
          controller.close();
        } catch {
          // already closed
        }
      });
    },
  });
  return new Response(body, { headers: { "Content-Type": "application/x-ndjson; charset=utf-8", "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff" } });
});
