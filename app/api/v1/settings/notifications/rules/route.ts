// PUT /api/v1/settings/notifications/rules: the organization's alert rules (lib/alerts/rules.ts).
import { alertRulesSchema } from "@/lib/alerts/rules";
import { readJsonBody } from "@/lib/alerts/read-json";
import { saveRules } from "@/lib/alerts/settings";
import { requireOrgAdmin } from "@/lib/auth/authorize";
import { handle } from "@/lib/http/errors";
import { requireSameOrigin } from "@/lib/web/same-origin";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const PUT = handle(async (request: Request) => {
  requireSameOrigin(request);
  const ctx = await requireOrgAdmin(request);
  const rules = await readJsonBody(request, alertRulesSchema);
  const saved = { ...rules, actions: { ...rules.actions, actions: [...new Set(rules.actions.actions)] } };
  await saveRules(ctx.store.db, ctx.orgId, saved);
  return Response.json({ ok: true, rules: saved }, { headers: { "cache-control": "no-store" } });
});
