"use client";

import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { ApiError, fetchJson } from "@/lib/fetch-json";
import { safeNextPath } from "@/lib/web/safe-next";

/** `ssoStart`: the SSO start route when single sign-on is configured (docs/SSO.md); `ssoError`: why the last SSO sign-in was refused. */
export function SignInForm({ next, initialError, ssoStart, ssoError }: { next?: string; initialError?: string; ssoStart?: string; ssoError?: string }) {
  const [error, setError] = useState<string | undefined>(initialError);
  const [pending, setPending] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setPending(true);
    setError(undefined);
    try {
      await fetchJson("/api/v1/session", {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json" },
        body: JSON.stringify({ username: form.get("username"), apiKey: form.get("apiKey") }),
      });
      // Only a same-origin path, as the browser will read it (no open redirect).
      window.location.assign(safeNextPath(next, window.location.origin));
    } catch (e) {
      setPending(false);
      if (e instanceof ApiError && e.status === 401) setError("Invalid username or API key.");
      else if (e instanceof ApiError && e.status === 429) setError("Too many failed sign-ins from your address. Wait a few minutes and try again.");
      else setError(e instanceof Error ? e.message : "Sign-in failed, try again.");
    }
  }

  // method="post" keeps the key out of the URL even if the script has not loaded yet.
  return (
    <form
      method="post"
      action="/api/v1/session"
      onSubmit={onSubmit}
      className="w-full max-w-sm space-y-5 rounded-lg border border-slate-200 bg-white p-8 shadow-sm"
      aria-describedby={error ? "signin-error" : undefined}
    >
      {next !== undefined && <input type="hidden" name="next" value={next} />}
      <div>
        <h1 className="text-xl font-semibold">Sign in to orgtrail</h1>
        <p className="mt-1 text-sm text-slate-600">
          {ssoStart ? "Use your organization's single sign-on, or an orgtrail username and API key." : "Use your orgtrail username and API key."}
        </p>
      </div>
      {ssoStart && (
        <div className="space-y-4">
          {/* A plain link (GET): the start route redirects to the identity provider. */}
          <a
            href={next ? `${ssoStart}?${new URLSearchParams({ next })}` : ssoStart}
            className="flex w-full items-center justify-center rounded-md bg-indigo-700 px-3 py-2 text-sm font-medium text-white hover:bg-indigo-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600"
          >
            Sign in with SSO
          </a>
          {ssoError && (
            <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
              {ssoError}
            </p>
          )}
          <p className="flex items-center gap-3 text-xs text-slate-600 before:h-px before:flex-1 before:bg-slate-200 after:h-px after:flex-1 after:bg-slate-200">
            or with an API key
          </p>
        </div>
      )}
      <div className="space-y-1">
        <label htmlFor="username" className="block text-sm font-medium">
          Username
        </label>
        <input
          id="username"
          name="username"
          required
          autoComplete="username"
          autoCapitalize="none"
          spellCheck={false}
          className="block w-full rounded-md border border-slate-300 px-3 py-2 text-sm focus:border-indigo-600 focus:outline-none focus:ring-2 focus:ring-indigo-600/30"
        />
      </div>
      <div className="space-y-1">
        <label htmlFor="apiKey" className="block text-sm font-medium">
          API key
        </label>
        <input
          id="apiKey"
          name="apiKey"
          type="password"
          required
          autoComplete="current-password"
          spellCheck={false}
          className="block w-full rounded-md border border-slate-300 px-3 py-2 font-mono text-sm focus:border-indigo-600 focus:outline-none focus:ring-2 focus:ring-indigo-600/30"
        />
      </div>
      {error && (
        <p id="signin-error" role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
          {error}
        </p>
      )}
      <Button type="submit" variant={ssoStart ? "secondary" : "primary"} className="w-full" disabled={pending}>
        {pending ? "Signing in…" : "Sign in"}
      </Button>
    </form>
  );
}
