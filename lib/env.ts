import { z } from "zod";

/** The only reader of process.env: parsed once, failing fast with the variable's name. */
const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default("127.0.0.1"),
  ORGTRAIL_DATABASE_URL: z.string().min(1).default("file:./data/orgtrail.db"),
  ORGTRAIL_DEPLOYMENT: z.enum(["self-managed", "dedicated", "multi-tenant"]).default("self-managed"),
  ORGTRAIL_BUCKET_URL: z.string().optional(),
  ORGTRAIL_DEMO: z.enum(["0", "1"]).optional(),
  /** Largest request body accepted by POST routes, in bytes. */
  ORGTRAIL_MAX_BODY_BYTES: z.coerce.number().int().positive().default(256 * 1024 * 1024),
  /** When set, GET /metrics requires `Authorization: Bearer <token>`. */
  ORGTRAIL_METRICS_TOKEN: z.string().min(1).optional(),
  /** Fixes "today" (YYYY-MM-DD) for demos and tests; unset in production. */
  ORGTRAIL_TODAY: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional(),
});

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
