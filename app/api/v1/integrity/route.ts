// GET /api/v1/integrity → re-walks the organization's hash chain and checks every signature (docs/SECURITY.md); 200 when ok, 409 when not.
import { orgRoute } from "@/lib/http/route";
import { verifyOrg } from "@/lib/trust/verify";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const GET = orgRoute({ role: "reader" }, async (ctx) => {
  const r = await verifyOrg(ctx.store, ctx.orgId, { signal: ctx.request.signal });
  const body = {
    ok: r.ok,
    org: r.org,
    firstBadSeq: r.firstBadSeq,
    ...(r.ok ? {} : { code: r.code, reason: r.reason, problems: r.problems }),
    fromSeq: r.fromSeq,
    lastSeq: r.lastSeq,
    events: r.events,
    checkpoints: r.checkpoints,
    purges: r.purges,
    unsignedTail: r.unsignedTail,
  };
  return Response.json(body, { status: r.ok ? 200 : 409, headers: { "Cache-Control": "no-store" } });
});
