import type { NextConfig } from "next";
import { precompressedHeaderRules } from "./lib/http/precompressed";
import { NON_PAGE_CSP } from "./lib/web/csp";

const securityHeaders = [
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Referrer-Policy", value: "same-origin" },
  { key: "X-Frame-Options", value: "DENY" },
];
// Pages get a per-request nonce policy from proxy.ts; everything else allows no script at all.
const nonPageCsp = [{ key: "Content-Security-Policy", value: NON_PAGE_CSP }];

const nextConfig: NextConfig = {
  // A private build directory lets several engineers build and test one working tree at once.
  distDir: process.env.ORGTRAIL_DIST_DIR || ".next",
  // Only for such private builds of a tree others are editing; CI and `npm test` always type-check.
  typescript: { ignoreBuildErrors: process.env.ORGTRAIL_SKIP_TYPECHECK === "1" },
  poweredByHeader: false,
  serverExternalPackages: ["better-sqlite3", "pg", "pg-cursor", "kysely"],
  async headers() {
    // The users list and CSV send bytes they compressed once: announce their encoding (lib/http/precompressed.ts).
    return [
      { source: "/:path*", headers: securityHeaders },
      ...["/api/:path*", "/admin/:path*", "/metrics"].map((source) => ({ source, headers: nonPageCsp })),
      ...precompressedHeaderRules(),
    ];
  },
};

export default nextConfig;
