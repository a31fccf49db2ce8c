// PUT /api/v1/settings/notifications/query-rules {"queries":[...]}: the Slack rules written in the
// filter language (lib/alerts/query-rules.ts); the other rules are left as they are.
import { queryRulesInputSchema } from "@/lib/alerts/query-rules";
import { saveQueryRules } from "@/lib/alerts/settings";
import { orgRoute } from "@/lib/http/route";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const PUT = orgRoute({ role: "admin", body: { kind: "json", schema: queryRulesInputSchema } }, async (ctx) => {
  await saveQueryRules(ctx.store.db, ctx.orgId, ctx.body.queries);
  return Response.json({ ok: true, queries: ctx.body.queries }, { headers: { "cache-control": "no-store" } });
});
