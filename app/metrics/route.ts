// GET /metrics: Prometheus text format; bearer token required when ORGTRAIL_METRICS_TOKEN is set.
// In multi-tenant mode without a token, no series names an organization (docs/METRICS.md).
import { getStore } from "@/lib/db/client";
import { env } from "@/lib/env";
import { secretMatches, hashSecret } from "@/lib/auth/keys";
import { unauthorized } from "@/lib/http/errors";
import { publicRoute } from "@/lib/http/route";
import { metrics } from "@/lib/metrics/registry";
import { withoutLabel } from "@/lib/metrics/redact";
import { collectSyncMetrics } from "@/lib/metrics/sync-metrics";
import { countActiveUsersByOrg } from "@/lib/queries/count-active-users";
import { today } from "@/lib/today";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

// Public in the wrapper's sense: the optional bearer token is the metrics token, not an account.
export const GET = publicRoute({}, async ({ request }) => {
  const token = env().ORGTRAIL_METRICS_TOKEN;
  // Whoever reaches the port must not learn the tenants' slugs, counts or their jobs.
  const hideOrgs = env().ORGTRAIL_DEPLOYMENT === "multi-tenant" && !token;
  if (token) {
    const presented = /^Bearer\s+(.+)$/i.exec(request.headers.get("authorization") ?? "")?.[1] ?? "";
    if (!secretMatches(presented, hashSecret(token))) throw unauthorized("metrics token required");
  }
  const m = metrics();
  const store = await getStore();
  const day = today();
  if (!hideOrgs) {
    for (const [window, days] of [
      ["1d", 1],
      ["7d", 7],
      ["30d", 30],
    ] as const) {
      for (const { slug, users } of await countActiveUsersByOrg(store, day, days)) m.activeUsers.set({ org: slug, window }, users);
    }
  }
  await collectSyncMetrics(store, Date.now(), { instanceOnly: hideOrgs });
  const text = await m.registry.metrics();
  return new Response(hideOrgs ? withoutLabel(text, "org") : text, { headers: { "Content-Type": m.registry.contentType } });
});
