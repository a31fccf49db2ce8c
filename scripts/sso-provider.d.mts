// Types of scripts/sso-provider.mjs (a test and dev OpenID Provider on loopback).
export interface SsoTestUser {
  username: string;
  password: string;
  /** Default: the username. */
  sub?: string;
  email?: string;
  /** Default: true. */
  email_verified?: boolean | string;
  name?: string;
  groups?: string[];
}

export interface SsoTestClient {
  client_id: string;
  client_secret?: string;
  redirect_uris: string[];
  token_endpoint_auth_method?: string;
}

export interface RunningOidcProvider {
  issuer: string;
  registerClient(client: SsoTestClient): void;
  setUser(user: SsoTestUser): void;
  /** Changes the claims of the ID tokens the token endpoint returns, signed again with the provider's key (or a foreign one). */
  rewriteIdToken(fn: ((claims: Record<string, unknown>) => Record<string, unknown>) | null, options?: { foreignKey?: boolean }): void;
  close(): Promise<void>;
}

export function startOidcProvider(options?: { host?: string; port?: number; users?: SsoTestUser[]; clients?: SsoTestClient[] }): Promise<RunningOidcProvider>;
