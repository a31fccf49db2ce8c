import { isIP } from "node:net";
import { z } from "zod";
import { parseRoleMap } from "./auth/sso/role-map";
import { isLoopbackUrl } from "./auth/sso/urls";

/** The only reader of process.env: parsed once, failing fast with the variable's name. */
const envSchema = z
  .object({
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    HOST: z.string().min(1).default("127.0.0.1"),
    ORGTRAIL_DATABASE_URL: z.string().min(1).default("file:./data/orgtrail.db"),
    /** SQLite: how long a writer waits for another one's lock before retrying (lib/db/retry.ts). */
    ORGTRAIL_SQLITE_BUSY_TIMEOUT_MS: z.coerce.number().int().min(0).max(600_000).default(10_000),
    ORGTRAIL_DEPLOYMENT: z.enum(["self-managed", "dedicated", "multi-tenant"]).default("self-managed"),
    ORGTRAIL_BUCKET_URL: z.string().optional(),
    /** Bucket export (docs/BUCKET_SYNC.md): seconds between runs, events per object at most. */
    ORGTRAIL_BUCKET_INTERVAL_SECONDS: z.coerce.number().int().min(1).default(600),
    ORGTRAIL_BUCKET_OBJECT_MAX_EVENTS: z.coerce.number().int().min(1).max(1_000_000).default(50_000),
    /** Bucket source: a folder or bucket in the export's layout, read every interval. */
    ORGTRAIL_BUCKET_SOURCE_URL: z.string().optional(),
    ORGTRAIL_BUCKET_SOURCE_INTERVAL_SECONDS: z.coerce.number().int().min(1).default(600),
    /** S3-compatible endpoint (MinIO, s3rver...); path-style addressing unless ORGTRAIL_S3_FORCE_PATH_STYLE=0. */
    ORGTRAIL_S3_ENDPOINT: z.url().optional(),
    ORGTRAIL_S3_FORCE_PATH_STYLE: z.enum(["0", "1"]).optional(),
    /** The SDK reads the credentials itself (AWS_ACCESS_KEY_ID, profiles, instance role); the region is passed on. */
    AWS_REGION: z.string().min(1).optional(),
    AWS_DEFAULT_REGION: z.string().min(1).optional(),
    ORGTRAIL_DEMO: z.enum(["0", "1"]).optional(),
    /** Upstream pull (docs/UPSTREAM_PULL.md): a W&B-compatible audit-log API polled every interval. */
    ORGTRAIL_UPSTREAM_URL: z.url({ protocol: /^https?$/ }).optional(),
    ORGTRAIL_UPSTREAM_USERNAME: z.string().min(1).optional(),
    ORGTRAIL_UPSTREAM_API_KEY: z.string().min(1).optional(),
    ORGTRAIL_UPSTREAM_INTERVAL_SECONDS: z.coerce.number().int().min(1).default(300),
    ORGTRAIL_UPSTREAM_ORG: z.string().min(1).default("default"),
    /** First day fetched when there is no checkpoint yet (default: the earliest day the upstream holds). */
    ORGTRAIL_UPSTREAM_SINCE: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/)
      .optional(),
    /**
     * The plausible window of event times (docs/INGEST.md): a line whose timestamp is before
     * this UTC day, or more than ORGTRAIL_EVENTS_MAX_FUTURE_HOURS after the server's clock, is
     * refused and quarantined instead of stored.
     */
    ORGTRAIL_EVENTS_NOT_BEFORE: z.iso.date().default("2015-01-01"),
    ORGTRAIL_EVENTS_MAX_FUTURE_HOURS: z.coerce
      .number()
      .int()
      .min(0)
      .max(24 * 366)
      .default(24),
    /** Quarantine bounds (docs/INGEST.md): lines kept per organization, source and UTC day, and per organization in all; past them lines are only counted. */
    ORGTRAIL_QUARANTINE_MAX_PER_DAY: z.coerce.number().int().min(0).default(1000),
    ORGTRAIL_QUARANTINE_MAX_LINES: z.coerce.number().int().min(0).default(50_000),
    /** `1`: `orgtrail ingest` prints the writer's time per step at the end (docs/PERFORMANCE.md). */
    ORGTRAIL_INGEST_PROFILE: z.enum(["0", "1"]).optional(),
    /** Directory sync (docs/DIRECTORY_SYNC.md): the upstream's SCIM API read every interval with the upstream's credentials; 0 turns it off. */
    ORGTRAIL_DIRECTORY_SYNC_INTERVAL_SECONDS: z.coerce.number().int().min(0).default(3600),
    /** Largest request body accepted by POST routes, in bytes. */
    ORGTRAIL_MAX_BODY_BYTES: z.coerce
      .number()
      .int()
      .positive()
      .default(256 * 1024 * 1024),
    /** When set, GET /metrics requires `Authorization: Bearer <token>`. */
    ORGTRAIL_METRICS_TOKEN: z.string().min(1).optional(),
    /** Hosts let through the outbound address rules (lib/net/outbound.ts): metadata for operator URLs, private for untrusted ones (comma-separated). */
    ORGTRAIL_ALLOWED_HOSTS: z.string().optional(),
    /** Fixes "today" (YYYY-MM-DD) for demos and tests; unset in production. */
    ORGTRAIL_TODAY: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/)
      .optional(),
    /** The instance's public URL (e.g. https://orgtrail.example.com): Slack's OAuth redirect is built from it; else from the request. */
    ORGTRAIL_PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
    /** Single sign-on with OpenID Connect (docs/SSO.md): the provider's issuer URL (https, or http on loopback only). */
    ORGTRAIL_OIDC_ISSUER: z
      .url({ protocol: /^https?$/ })
      .refine((u) => u.startsWith("https:") || isLoopbackUrl(u), { message: "must be https (http only for a provider on 127.0.0.1, ::1 or localhost)" })
      .optional(),
    ORGTRAIL_OIDC_CLIENT_ID: z.string().min(1).optional(),
    /** Unset: a public client (PKCE only). */
    ORGTRAIL_OIDC_CLIENT_SECRET: z.string().min(1).optional(),
    ORGTRAIL_OIDC_SCOPES: z.string().min(1).default("openid email profile"),
    /** The ID token claim holding the user's groups (a dotted path such as `realm_access.roles` reaches into objects). */
    ORGTRAIL_OIDC_ROLE_CLAIM: z.string().min(1).default("groups"),
    /** Groups to organization roles: `group=org:role,...` or a JSON object (lib/auth/sso/role-map.ts). */
    ORGTRAIL_OIDC_ROLE_MAP: z
      .string()
      .optional()
      .superRefine((text, ctx) => {
        try {
          parseRoleMap(text);
        } catch (error) {
          ctx.addIssue({ code: "custom", message: (error as Error).message });
        }
      }),
    /** Key of the secrets kept in the store (Slack client secret, webhook): 32 bytes, base64 or hex. Else a key file (ORGTRAIL_SECRET_KEY_FILE). */
    ORGTRAIL_SECRET_KEY: z.string().min(1).optional(),
    /** Where the key is created (mode 0600) when ORGTRAIL_SECRET_KEY is unset; default beside the SQLite file, or ./data. */
    ORGTRAIL_SECRET_KEY_FILE: z.string().min(1).optional(),
    /** Days events are kept before a retention purge may delete them: at least 2192 (six years, HIPAA). docs/SECURITY.md */
    ORGTRAIL_RETENTION_DAYS: z.coerce
      .number()
      .int()
      .min(2192, { message: "must be at least 2192 days (six years, the HIPAA audit-log retention); orgtrail never deletes events sooner" })
      .default(2192),
    /** The Ed25519 key file that signs checkpoints (created mode 0600); default beside the SQLite file, or ./data. */
    ORGTRAIL_SIGNING_KEY_FILE: z.string().min(1).optional(),
    /** Seconds between signed checkpoints of every organization's hash chain. */
    ORGTRAIL_CHECKPOINT_INTERVAL_SECONDS: z.coerce.number().int().min(1).default(3600),
    /** The header's "last event N minutes ago" turns amber when the newest stored event is older than this (docs/DASHBOARD.md, Data page). */
    ORGTRAIL_FRESHNESS_WARN_MINUTES: z.coerce.number().int().min(1).max(525_600).default(1440),
    /** Slack's Web API and OAuth authorize page (overridable for tests and Slack-compatible gateways). */
    ORGTRAIL_SLACK_API_URL: z.url({ protocol: /^https?$/ }).default("https://slack.com/api"),
    ORGTRAIL_SLACK_OAUTH_URL: z.url({ protocol: /^https?$/ }).default("https://slack.com/oauth/v2/authorize"),
    /** Proxies whose X-Forwarded-For is believed (addresses or CIDRs, comma-separated); else the socket's peer is the client. */
    ORGTRAIL_TRUSTED_PROXIES: z
      .string()
      .optional()
      .refine((v) => v === undefined || proxyListProblem(v) === null, { message: "a comma-separated list of IP addresses or CIDRs (e.g. 10.0.0.0/8, ::1)" }),
    /** A session ends after this long without a request, and this long after sign-in whatever its activity. */
    ORGTRAIL_SESSION_IDLE_MINUTES: z.coerce
      .number()
      .int()
      .min(1)
      .max(7 * 24 * 60)
      .default(60),
    ORGTRAIL_SESSION_MAX_HOURS: z.coerce
      .number()
      .int()
      .min(1)
      .max(30 * 24)
      .default(12),
    /** Days orgtrail's own access log is kept (a daily job deletes older entries). */
    ORGTRAIL_ACCESS_LOG_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
  })
  .superRefine((e, ctx) => {
    if (!e.ORGTRAIL_OIDC_ISSUER) return;
    for (const name of ["ORGTRAIL_OIDC_CLIENT_ID", "ORGTRAIL_PUBLIC_URL"] as const) {
      if (!e[name]) ctx.addIssue({ code: "custom", path: [name], message: "is required when ORGTRAIL_OIDC_ISSUER is set (docs/SSO.md)" });
    }
  });

/** Why a proxy list does not parse, or null (lib/net/client-ip.ts reads it). */
function proxyListProblem(value: string): string | null {
  for (const entry of value
    .split(",")
    .map((e) => e.trim())
    .filter(Boolean)) {
    const [ip, bits, extra] = entry.split("/");
    const family = isIP(ip ?? "");
    if (family === 0 || extra !== undefined) return entry;
    if (bits !== undefined && !(/^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128))) return entry;
  }
  return null;
}

export type Env = z.infer<typeof envSchema>;
export type Deployment = Env["ORGTRAIL_DEPLOYMENT"];

let cached: Env | undefined;

export function env(): Env {
  if (cached) return cached;
  const parsed = envSchema.safeParse(process.env);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(`invalid environment: ${issues}`);
  }
  cached = parsed.data;
  return cached;
}

/** Tests change the environment between cases. */
export function resetEnvCache(): void {
  cached = undefined;
}
