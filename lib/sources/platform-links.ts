/**
 * Links into the platform orgtrail mirrors (pure). The seed documents the Organization Dashboard
 * at `https://<host>/org/dashboard/`, whose Users tab (open by default) carries the platform's own
 * "Invite new user" button; it documents no page of its own for invitations, so that is the link.
 */
import type { Deployment } from "../env";

/**
 * The platform's invite page for this organization, or null: only when the upstream URL is known
 * (ORGTRAIL_UPSTREAM_URL), only for the organization the upstream feeds (ORGTRAIL_UPSTREAM_ORG),
 * and not in multi-tenant mode (its Members page has no such button in orgtrail either).
 */
export function platformInviteUrl(upstreamUrl: string | undefined, upstreamOrg: string, orgSlug: string, deployment: Deployment): string | null {
  if (!upstreamUrl || orgSlug !== upstreamOrg || deployment === "multi-tenant") return null;
  let url: URL;
  try {
    url = new URL(upstreamUrl);
  } catch {
    return null;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return null;
  // The upstream URL may be the instance or its audit-log endpoint (lib/sources/upstream-plan.ts).
  url.pathname = `${url.pathname.replace(/\/admin\/audit_logs\/?$/, "").replace(/\/+$/, "")}/org/dashboard/`;
  url.search = "";
  url.hash = "";
  url.username = "";
  url.password = "";
  return url.toString();
}
