/** The audit-log schema keys of the seed document, in their (alphabetical) order. */
export const SCHEMA_KEYS = [
  "action",
  "actor_email",
  "actor_ip",
  "actor_user_id",
  "artifact_asset",
  "artifact_digest",
  "artifact_qualified_name",
  "artifact_sequence_asset",
  "cli_version",
  "entity_asset",
  "entity_name",
  "project_asset",
  "project_name",
  "report_asset",
  "report_name",
  "response_code",
  "timestamp",
  "user_asset",
  "user_email",
] as const;

export type SchemaKey = (typeof SCHEMA_KEYS)[number];

const schemaKeySet: ReadonlySet<string> = new Set(SCHEMA_KEYS);
export function isSchemaKey(key: string): key is SchemaKey {
  return schemaKeySet.has(key);
}

/** The seed's action catalogue. Anything else is accepted and counted as unknown. */
export const KNOWN_ACTIONS = [
  "artifact:create",
  "artifact:delete",
  "artifact:read",
  "project:delete",
  "project:read",
  "report:read",
  "run:delete_many",
  "run:delete",
  "run:stop",
  "run:undelete_many",
  "run:update_many",
  "run:update",
  "sweep:create_agent",
  "team:create_service_account",
  "team:create",
  "team:delete",
  "team:invite_user",
  "team:uninvite",
  "user:create_api_key",
  "user:create",
  "user:deactivate",
  "user:delete_api_key",
  "user:initiate_login",
  "user:login",
  "user:logout",
  "user:permanently_delete",
  "user:reactivate",
  "user:read",
  "user:update",
] as const;

const knownActionSet: ReadonlySet<string> = new Set(KNOWN_ACTIONS);
export function isKnownAction(action: string): boolean {
  return knownActionSet.has(action);
}

/** Keys removed by `anonymize=true` (SPEC §5). */
export const PII_KEYS = [
  "actor_email",
  "user_email",
  "actor_ip",
  "entity_name",
  "project_name",
  "report_name",
  "artifact_qualified_name",
] as const satisfies readonly SchemaKey[];

/** Actions that change a user's lifecycle or team membership (SPEC §4). */
export const LIFECYCLE_ACTIONS = [
  "user:create",
  "team:invite_user",
  "team:uninvite",
  "user:deactivate",
  "user:reactivate",
  "user:delete",
  "user:permanently_delete",
] as const;
export type LifecycleAction = (typeof LIFECYCLE_ACTIONS)[number];
/** A user whose latest lifecycle event is one of these is gone (SPEC §4). */
export const GONE_ACTIONS = ["user:delete", "user:permanently_delete"] as const satisfies readonly LifecycleAction[];
const lifecycleSet: ReadonlySet<string> = new Set(LIFECYCLE_ACTIONS);
export function isLifecycleAction(action: string): action is LifecycleAction {
  return lifecycleSet.has(action);
}

/** Multi-tenant activity starts on this UTC day (seed: "after May 8 2025"; SPEC §4: on or after). */
export const MULTI_TENANT_ACTIVITY_START = "2025-05-08";
