/**
 * Why an SSO sign-in was refused. The callback sends the browser to `/signin?sso=CODE`, and the
 * sign-in page shows the code's fixed message (nothing from the request is echoed). The
 * details (the provider's error, the failed ID token check) go to the server log.
 */
export const SSO_ERRORS = {
  state: "This sign-in attempt has expired, was already used, or was started in another browser. Start again with Sign in with SSO.",
  denied: "The identity provider did not sign you in (cancelled or refused). Start again with Sign in with SSO.",
  provider: "The identity provider refused to complete the sign-in (the code was already used or has expired). Start again with Sign in with SSO.",
  token:
    "The identity provider's answer could not be trusted (the ID token is expired, meant for another application, or badly signed), so you were not signed in. Ask your administrator to check the SSO settings.",
  unreachable: "The identity provider could not be reached. Try again in a moment, or sign in with an API key.",
  email_unverified:
    "Your identity provider did not confirm that your email address is verified, so orgtrail cannot match it to an account. Ask your administrator.",
  no_role: "Your groups at the identity provider give you no role in orgtrail. Ask your administrator to add you to a group that has access.",
  identity_conflict: "This email address belongs to an orgtrail account linked to another identity at the provider. Ask your administrator.",
  busy: "Too many sign-ins are in progress. Try again in a minute.",
} as const;

export type SsoErrorCode = keyof typeof SSO_ERRORS;

export class SsoError extends Error {
  constructor(
    readonly code: SsoErrorCode,
    /** For the server log only. */
    readonly detail: string,
  ) {
    super(`SSO sign-in refused (${code}): ${detail}`);
  }
}

/** The message of a `?sso=` code, or undefined for anything else. */
export function ssoErrorMessage(code: string | undefined): string | undefined {
  return code !== undefined && Object.hasOwn(SSO_ERRORS, code) ? SSO_ERRORS[code as SsoErrorCode] : undefined;
}
