import type { Kysely } from "kysely";
import type { Database } from "../db/types";
import { compileQueryRules, type CompiledQueryRule } from "./query-alerts";
import type { QueryRule } from "./query-rules";
import { DEFAULT_RULES, parseStoredRules, type AlertRules } from "./rules";
import { openSecret, sealSecret } from "./secret-box";

/** Associated data of each sealed value: a ciphertext only opens for its purpose and organization. */
export const purposeOf = {
  clientSecret: (orgId: number) => `slack.client_secret:org:${orgId}`,
  webhook: (orgId: number) => `slack.webhook:org:${orgId}`,
};

export interface AlertSettings {
  orgId: number;
  clientId: string | null;
  /** Sealed; opened only to talk to Slack. */
  clientSecretSealed: string | null;
  webhookSealed: string | null;
  channel: string | null;
  team: string | null;
  connectedAt: number | null;
  rules: AlertRules;
}

export async function getAlertSettings(db: Kysely<Database>, orgId: number): Promise<AlertSettings> {
  const row = await db.selectFrom("alert_settings").selectAll().where("org_id", "=", orgId).executeTakeFirst();
  return {
    orgId,
    clientId: row?.slack_client_id ?? null,
    clientSecretSealed: row?.slack_client_secret_enc ?? null,
    webhookSealed: row?.slack_webhook_enc ?? null,
    channel: row?.slack_channel ?? null,
    team: row?.slack_team ?? null,
    connectedAt: row?.slack_connected_at === null || row?.slack_connected_at === undefined ? null : Number(row.slack_connected_at),
    rules: parseStoredRules(row?.rules),
  };
}

type Changes = Partial<Omit<Database["alert_settings"], "org_id" | "updated_at" | "rules">> & { rules?: string };

async function upsert(db: Kysely<Database>, orgId: number, changes: Changes): Promise<void> {
  const now = Date.now();
  await db
    .insertInto("alert_settings")
    .values({ org_id: orgId, rules: JSON.stringify(DEFAULT_RULES), ...changes, updated_at: now })
    .onConflict((oc) => oc.column("org_id").doUpdateSet({ ...changes, updated_at: now }))
    .execute();
  invalidateRuleCache(orgId);
}

/** Saves the Slack app's client ID, and its secret when one is given (else the stored one stays). */
export async function saveSlackApp(db: Kysely<Database>, orgId: number, clientId: string, clientSecret: string | undefined): Promise<void> {
  await upsert(db, orgId, {
    slack_client_id: clientId,
    ...(clientSecret !== undefined ? { slack_client_secret_enc: sealSecret(clientSecret, purposeOf.clientSecret(orgId)) } : {}),
  });
}

export async function saveSlackWebhook(db: Kysely<Database>, orgId: number, hook: { url: string; channel: string | null; team: string | null }): Promise<void> {
  await upsert(db, orgId, {
    slack_webhook_enc: sealSecret(hook.url, purposeOf.webhook(orgId)),
    slack_channel: hook.channel,
    slack_team: hook.team,
    slack_connected_at: Date.now(),
  });
}

export async function clearSlackWebhook(db: Kysely<Database>, orgId: number): Promise<void> {
  await upsert(db, orgId, { slack_webhook_enc: null, slack_channel: null, slack_team: null, slack_connected_at: null });
}

export async function saveRules(db: Kysely<Database>, orgId: number, rules: AlertRules): Promise<void> {
  // The query rules are saved on their own (saveQueryRules): a save without them keeps them.
  const queries = rules.queries ?? (await getAlertSettings(db, orgId)).rules.queries;
  await upsert(db, orgId, { rules: JSON.stringify({ ...rules, ...(queries ? { queries } : {}) }) });
}

/** Replaces the query rules only, keeping every other rule. */
export async function saveQueryRules(db: Kysely<Database>, orgId: number, queries: QueryRule[]): Promise<void> {
  const current = (await getAlertSettings(db, orgId)).rules;
  await upsert(db, orgId, { rules: JSON.stringify({ ...current, queries }) });
}

export function openClientSecret(s: AlertSettings): string | null {
  return s.clientSecretSealed ? openSecret(s.clientSecretSealed, purposeOf.clientSecret(s.orgId)) : null;
}

export function openWebhook(s: AlertSettings): string | null {
  return s.webhookSealed ? openSecret(s.webhookSealed, purposeOf.webhook(s.orgId)) : null;
}

/** The rules ingest evaluates, or null when none is on (or Slack is not connected): the common, free case. */
export interface IngestRules {
  actions: ReadonlySet<string> | null;
  /** Enabled query rules whose query parses (lib/alerts/query-alerts.ts), or null. */
  queries?: CompiledQueryRule[] | null;
  authFailures: { threshold: number; windowMs: number; windowMinutes: number } | null;
  orgSlug: string;
}

const RULE_CACHE_TTL_MS = 30_000;
const holder = globalThis as unknown as { __orgtrailAlertRuleCache?: Map<number, { at: number; rules: IngestRules | null }> };
const ruleCache = (holder.__orgtrailAlertRuleCache ??= new Map());

export function invalidateRuleCache(orgId?: number): void {
  if (orgId === undefined) ruleCache.clear();
  else ruleCache.delete(orgId);
}

/**
 * Cached per organization for 30 s: ingest asks once per batch, and a change saved on this
 * server applies at once (on another server sharing the store, within 30 s).
 */
export async function ingestRules(db: Kysely<Database>, orgId: number, now = Date.now()): Promise<IngestRules | null> {
  const hit = ruleCache.get(orgId);
  if (hit && now - hit.at < RULE_CACHE_TTL_MS) return hit.rules;
  const row = await db
    .selectFrom("alert_settings")
    .innerJoin("organizations", "organizations.id", "alert_settings.org_id")
    .select(["alert_settings.rules", "alert_settings.slack_webhook_enc", "organizations.slug"])
    .where("alert_settings.org_id", "=", orgId)
    .executeTakeFirst();
  let rules: IngestRules | null = null;
  if (row?.slack_webhook_enc) {
    const r = parseStoredRules(row.rules);
    const actions = r.actions.enabled && r.actions.actions.length > 0 ? new Set(r.actions.actions) : null;
    const authFailures = r.authFailures.enabled
      ? { threshold: r.authFailures.threshold, windowMs: r.authFailures.windowMinutes * 60_000, windowMinutes: r.authFailures.windowMinutes }
      : null;
    const compiled = compileQueryRules(r.queries);
    const queries = compiled.length > 0 ? compiled : null;
    if (actions || authFailures || queries) rules = { actions, authFailures, queries, orgSlug: row.slug };
  }
  ruleCache.set(orgId, { at: now, rules });
  return rules;
}
