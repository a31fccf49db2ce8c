// PUT /api/v1/settings/notifications/rules: the organization's alert rules (lib/alerts/rules.ts);
// a watched action outside the audit-log catalogue is a 400 naming it.
import { alertRulesInputSchema } from "@/lib/alerts/rules";
import { saveRules } from "@/lib/alerts/settings";
import { orgRoute } from "@/lib/http/route";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const PUT = orgRoute({ role: "admin", body: { kind: "json", schema: alertRulesInputSchema } }, async (ctx) => {
  const rules = ctx.body;
  const saved = { ...rules, actions: { ...rules.actions, actions: [...new Set(rules.actions.actions)] } };
  await saveRules(ctx.store.db, ctx.orgId, saved);
  return Response.json({ ok: true, rules: saved }, { headers: { "cache-control": "no-store" } });
});
