import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { resetSecretKeyCache } from "@/lib/alerts/secret-box";
import { authorizeUrl, createOAuthState, redirectUri, verifyOAuthState } from "@/lib/alerts/slack-oauth";
import { resetEnvCache } from "@/lib/env";

const saved = { ...process.env };
beforeEach(() => {
  process.env.ORGTRAIL_SECRET_KEY = Buffer.alloc(32, 1).toString("base64");
  delete process.env.ORGTRAIL_PUBLIC_URL;
  resetEnvCache();
  resetSecretKeyCache();
});
afterEach(() => {
  process.env = { ...saved };
  resetEnvCache();
  resetSecretKeyCache();
});

describe("Slack OAuth state", () => {
  it("is accepted for the same session and organization only, until it expires", () => {
    const now = Date.UTC(2026, 2, 31);
    const state = createOAuthState("session-a", 1, now);
    expect(verifyOAuthState(state, "session-a", 1, now + 1000)).toBe(true);
    expect(verifyOAuthState(state, "session-b", 1, now)).toBe(false);
    expect(verifyOAuthState(state, "session-a", 2, now)).toBe(false);
    expect(verifyOAuthState(state, "session-a", 1, now + 11 * 60_000)).toBe(false);
    expect(verifyOAuthState(state.replace(/^1\./, "2."), "session-a", 2, now)).toBe(false);
    expect(verifyOAuthState("garbage", "session-a", 1, now)).toBe(false);
  });

  it("builds the authorize URL with client_id, the incoming-webhook scope, redirect_uri and state", () => {
    const url = new URL(authorizeUrl("123.456", "https://orgtrail.example/api/v1/slack/oauth/callback", "st"));
    expect(url.origin + url.pathname).toBe("https://slack.com/oauth/v2/authorize");
    expect(Object.fromEntries(url.searchParams)).toEqual({
      client_id: "123.456",
      scope: "incoming-webhook",
      redirect_uri: "https://orgtrail.example/api/v1/slack/oauth/callback",
      state: "st",
    });
  });

  it("the redirect URI comes from ORGTRAIL_PUBLIC_URL, else from the request", () => {
    const request = new Request("http://127.0.0.1:3000/api/v1/slack/install", { headers: { host: "orgtrail.local:3000" } });
    expect(redirectUri(request)).toBe("http://orgtrail.local:3000/api/v1/slack/oauth/callback");
    process.env.ORGTRAIL_PUBLIC_URL = "https://audit.example.com/";
    resetEnvCache();
    expect(redirectUri(request)).toBe("https://audit.example.com/api/v1/slack/oauth/callback");
  });
});
