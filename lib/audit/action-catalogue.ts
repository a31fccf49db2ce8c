/**
 * What each action of the seed's catalogue means (its "Actions" table), for pickers and hints.
 * Pure data: the settings page imports it.
 */
import { KNOWN_ACTIONS } from "./schema";

export const ACTION_DEFINITIONS: Record<(typeof KNOWN_ACTIONS)[number], string> = {
  "artifact:create": "Artifact is created.",
  "artifact:delete": "Artifact is deleted.",
  "artifact:read": "Artifact is read.",
  "project:delete": "Project is deleted.",
  "project:read": "Project is read.",
  "report:read": "Report is read.",
  "run:delete_many": "Batch of runs is deleted.",
  "run:delete": "Run is deleted.",
  "run:stop": "Run is stopped.",
  "run:undelete_many": "Batch of runs is restored from trash.",
  "run:update_many": "Batch of runs is updated.",
  "run:update": "Run is updated.",
  "sweep:create_agent": "Sweep agent is created.",
  "team:create_service_account": "Service account is created for the team.",
  "team:create": "Team is created.",
  "team:delete": "Team is deleted.",
  "team:invite_user": "User is invited to team.",
  "team:uninvite": "User or service account is uninvited from team.",
  "user:create_api_key": "API key for the user is created.",
  "user:create": "User is created.",
  "user:deactivate": "User is deactivated.",
  "user:delete_api_key": "API key for the user is deleted.",
  "user:initiate_login": "User initiates log in.",
  "user:login": "User logs in.",
  "user:logout": "User logs out.",
  "user:permanently_delete": "User is permanently deleted.",
  "user:reactivate": "User is reactivated.",
  "user:read": "User profile is read.",
  "user:update": "User is updated.",
};

/** The catalogue, alphabetically, with each action's definition. */
export const ACTION_CATALOGUE: readonly { action: string; definition: string }[] = [...KNOWN_ACTIONS]
  .sort()
  .map((action) => ({ action, definition: ACTION_DEFINITIONS[action] }));
