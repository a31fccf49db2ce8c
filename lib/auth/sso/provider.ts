import * as oidc from "openid-client";
import { operatorFetch } from "../../net/outbound";
import { SsoError } from "./errors";
import type { SsoFlow } from "./flows";
import type { SsoSettings } from "./settings";
import { isLoopbackUrl } from "./urls";

/**
 * The relying party (openid-client 6): discovery of the provider, the authorization URL
 * (code flow, PKCE S256, state, nonce) and the code exchange with every ID token check:
 * issuer, audience, expiry, nonce, and the signature against the provider's JWKS (not
 * mandatory for a token fetched directly over TLS, but cheap, and it also holds on the http
 * loopback providers of tests and `sso:dev`).
 */

const DISCOVERY_TIMEOUT_S = 10;

/**
 * The provider's URLs (issuer, then the endpoints its discovery document names) are the
 * operator's configuration: every request goes through lib/net/outbound.ts (private and
 * loopback providers fine, metadata addresses refused); openid-client judges redirects itself.
 */
const providerFetch: oidc.CustomFetch = (url, options) => {
  const body = options.body;
  if (body instanceof ReadableStream) return Promise.reject(new TypeError("streamed request bodies are not sent to the identity provider"));
  return operatorFetch(
    url,
    { method: options.method, headers: options.headers, body: body instanceof ArrayBuffer ? new Uint8Array(body) : (body ?? null), signal: options.signal },
    { redirect: "manual" },
  );
};
let cached: { key: string; config: Promise<oidc.Configuration> } | null = null;

function configuration(settings: SsoSettings): Promise<oidc.Configuration> {
  const key = JSON.stringify([settings.issuer, settings.clientId, settings.clientSecret ?? null]);
  if (cached?.key === key) return cached.config;
  const execute = [oidc.enableNonRepudiationChecks];
  // Plain http only for a provider on loopback (lib/env.ts refuses any other http issuer).
  if (settings.issuer.startsWith("http:") && isLoopbackUrl(settings.issuer)) execute.push(oidc.allowInsecureRequests);
  const config = oidc.discovery(
    new URL(settings.issuer),
    settings.clientId,
    settings.clientSecret ? { client_secret: settings.clientSecret } : undefined,
    settings.clientSecret ? oidc.ClientSecretBasic(settings.clientSecret) : oidc.None(),
    { execute, timeout: DISCOVERY_TIMEOUT_S, [oidc.customFetch]: providerFetch },
  );
  const entry = { key, config };
  cached = entry;
  // A provider that was down is asked again next time.
  config.catch(() => {
    if (cached === entry) cached = null;
  });
  return config;
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? ` (${error.cause.message})` : "";
    const code = (error as { code?: unknown }).code;
    return `${error.name}${typeof code === "string" ? ` ${code}` : ""}: ${error.message}${cause}`;
  }
  return String(error);
}

async function configured(settings: SsoSettings): Promise<oidc.Configuration> {
  try {
    return await configuration(settings);
  } catch (error) {
    throw new SsoError("unreachable", `discovery of ${settings.issuer} failed: ${describe(error)}`);
  }
}

/** A new flow's secrets: state, nonce and PKCE code verifier. */
export function newFlow(next: string): SsoFlow {
  return { state: oidc.randomState(), nonce: oidc.randomNonce(), codeVerifier: oidc.randomPKCECodeVerifier(), next };
}

/** The provider's authorization URL for this flow. */
export async function authorizationUrl(settings: SsoSettings, flow: SsoFlow): Promise<URL> {
  const config = await configured(settings);
  return oidc.buildAuthorizationUrl(config, {
    redirect_uri: settings.redirectUri,
    scope: settings.scopes,
    response_type: "code",
    code_challenge: await oidc.calculatePKCECodeChallenge(flow.codeVerifier),
    code_challenge_method: "S256",
    state: flow.state,
    nonce: flow.nonce,
  });
}

/**
 * Exchanges the callback's code for tokens and returns the verified ID token's claims.
 * `search` is the callback's query string; the redirect URI sent with it is the configured one.
 */
export async function verifiedClaims(settings: SsoSettings, search: string, flow: SsoFlow): Promise<oidc.IDToken> {
  const config = await configured(settings);
  const currentUrl = new URL(settings.redirectUri);
  currentUrl.search = search;
  let tokens: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>;
  try {
    tokens = await oidc.authorizationCodeGrant(config, currentUrl, {
      pkceCodeVerifier: flow.codeVerifier,
      expectedState: flow.state,
      expectedNonce: flow.nonce,
      idTokenExpected: true,
    });
  } catch (error) {
    if (error instanceof oidc.AuthorizationResponseError) throw new SsoError("denied", describe(error));
    // The token endpoint's own error answer (invalid_grant: a code used twice, expired, or another verifier's).
    if (error instanceof oidc.ResponseBodyError) throw new SsoError("provider", describe(error));
    if (error instanceof oidc.ClientError) {
      const code = String((error as { code?: unknown }).code ?? "");
      // A fetch that failed or timed out is the network's fault, not the token's.
      if (code === "OAUTH_REQUEST_TIMEOUT" || /fetch failed|network|ECONNREFUSED/i.test(describe(error))) throw new SsoError("unreachable", describe(error));
      throw new SsoError("token", describe(error));
    }
    if (error instanceof TypeError || (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError"))) {
      throw new SsoError("unreachable", describe(error));
    }
    throw new SsoError("token", describe(error));
  }
  const claims = tokens.claims();
  if (!claims) throw new SsoError("token", "the token endpoint returned no ID token");
  return claims;
}
