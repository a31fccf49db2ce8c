import { env } from "../../env";
import { parseRoleMap, type RoleGrant } from "./role-map";

export const START_PATH = "/api/v1/auth/oidc/start";
export const CALLBACK_PATH = "/api/v1/auth/oidc/callback";

export interface SsoSettings {
  issuer: string;
  clientId: string;
  /** Unset: a public client, authenticated by PKCE alone. */
  clientSecret: string | undefined;
  /** `{ORGTRAIL_PUBLIC_URL}/api/v1/auth/oidc/callback`, registered at the provider. */
  redirectUri: string;
  scopes: string;
  roleClaim: string;
  roleMap: RoleGrant[];
}

/** The SSO settings, or null when ORGTRAIL_OIDC_ISSUER is unset (lib/env.ts has checked the rest). */
export function ssoSettings(): SsoSettings | null {
  const e = env();
  if (!e.ORGTRAIL_OIDC_ISSUER || !e.ORGTRAIL_OIDC_CLIENT_ID || !e.ORGTRAIL_PUBLIC_URL) return null;
  const base = e.ORGTRAIL_PUBLIC_URL.endsWith("/") ? e.ORGTRAIL_PUBLIC_URL : `${e.ORGTRAIL_PUBLIC_URL}/`;
  return {
    issuer: e.ORGTRAIL_OIDC_ISSUER,
    clientId: e.ORGTRAIL_OIDC_CLIENT_ID,
    clientSecret: e.ORGTRAIL_OIDC_CLIENT_SECRET,
    redirectUri: new URL(CALLBACK_PATH.slice(1), base).toString(),
    scopes: e.ORGTRAIL_OIDC_SCOPES,
    roleClaim: e.ORGTRAIL_OIDC_ROLE_CLAIM,
    roleMap: parseRoleMap(e.ORGTRAIL_OIDC_ROLE_MAP),
  };
}
