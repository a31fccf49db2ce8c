// Next.js Proxy (formerly middleware.ts): runs before each page renders. It gives the page a
// nonce-based Content-Security-Policy (lib/web/csp.ts): Next.js reads the nonce from the
// request's policy and puts it on every script it renders. API routes are not matched (their
// strict policy comes from next.config.ts, and their bodies must stream untouched).
import { NextResponse, type NextRequest } from "next/server";
import { newNonce, pageCsp } from "./lib/web/csp";

export function proxy(request: NextRequest) {
  const nonce = newNonce();
  const policy = pageCsp(nonce, process.env.NODE_ENV === "development");
  const headers = new Headers(request.headers);
  headers.set("x-nonce", nonce);
  headers.set("content-security-policy", policy);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set("content-security-policy", policy);
  return response;
}

export const config = {
  // Every page; not the API, the audit-log API, metrics, or static files.
  matcher: ["/((?!api/|admin/|metrics$|_next/static/|_next/image|icon\\.svg$|favicon\\.ico$).*)"],
};
