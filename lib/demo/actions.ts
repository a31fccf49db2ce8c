// Activity action codes, per-persona mixes and SDK shares. Codes index ACTIVITY_ACTIONS.
import { PERSONA_ANALYST, PERSONA_RESEARCHER, PERSONA_VIEWER } from "./model";

export const ACTIVITY_ACTIONS = [
  "user:login",
  "user:logout",
  "user:initiate_login",
  "user:read",
  "user:update",
  "user:create_api_key",
  "user:delete_api_key",
  "project:read",
  "project:delete",
  "run:update",
  "run:update_many",
  "run:stop",
  "run:delete",
  "run:delete_many",
  "run:undelete_many",
  "artifact:read",
  "artifact:create",
  "artifact:delete",
  "report:read",
  "sweep:create_agent",
] as const;
export type ActivityAction = (typeof ACTIVITY_ACTIONS)[number];

function code(action: ActivityAction): number {
  return ACTIVITY_ACTIONS.indexOf(action);
}

export const LOGIN = code("user:login");

/** How the event is shaped: which keys it carries beyond the actor. */
export const SHAPE_USER = 0;
export const SHAPE_SELF = 1;
export const SHAPE_PROJECT = 2;
export const SHAPE_ARTIFACT = 3;
export const SHAPE_REPORT = 4;

export const ACTION_SHAPE: Uint8Array = Uint8Array.from(
  ACTIVITY_ACTIONS.map((a) =>
    a === "user:update"
      ? SHAPE_SELF
      : a.startsWith("user:")
        ? SHAPE_USER
        : a.startsWith("artifact:")
          ? SHAPE_ARTIFACT
          : a === "report:read"
            ? SHAPE_REPORT
            : SHAPE_PROJECT,
  ),
);

/** Share of each action that comes from the Python SDK (and so carries cli_version). */
export const SDK_SHARE: Float64Array = Float64Array.from(
  ACTIVITY_ACTIONS.map((a) =>
    a === "run:update" ? 0.85 : a === "artifact:create" ? 0.95 : a === "artifact:read" ? 0.6 : a === "sweep:create_agent" ? 1 : a === "run:stop" ? 0.2 : 0,
  ),
);

type Mix = Partial<Record<ActivityAction, number>>;

const MIXES: Record<number, Mix> = {
  [PERSONA_RESEARCHER]: {
    "run:update": 38,
    "project:read": 14,
    "artifact:read": 12,
    "artifact:create": 7,
    "run:update_many": 5,
    "report:read": 5,
    "sweep:create_agent": 4,
    "user:read": 4,
    "run:stop": 2,
    "run:delete": 1.5,
    "user:logout": 0.5,
    "run:delete_many": 0.4,
    "artifact:delete": 0.4,
    "user:initiate_login": 0.3,
    "user:update": 0.2,
    "user:create_api_key": 0.15,
    "run:undelete_many": 0.1,
    "user:delete_api_key": 0.05,
    "project:delete": 0.02,
  },
  [PERSONA_ANALYST]: {
    "project:read": 35,
    "report:read": 25,
    "artifact:read": 10,
    "run:update": 8,
    "user:read": 8,
    "run:update_many": 6,
    "user:logout": 1,
    "artifact:create": 1,
    "user:initiate_login": 0.5,
    "sweep:create_agent": 0.5,
    "run:stop": 0.3,
    "run:delete": 0.3,
    "user:update": 0.3,
    "user:create_api_key": 0.1,
    "project:delete": 0.01,
  },
  [PERSONA_VIEWER]: {
    "project:read": 45,
    "report:read": 35,
    "user:read": 8,
    "artifact:read": 6,
    "user:logout": 1,
    "user:initiate_login": 0.5,
    "user:update": 0.2,
  },
};

export interface ActionTable {
  codes: Uint8Array;
  cumulative: Float64Array;
}

function table(mix: Mix): ActionTable {
  const entries = (Object.entries(mix) as [ActivityAction, number][]).sort((a, b) => b[1] - a[1]);
  const total = entries.reduce((s, [, w]) => s + w, 0);
  const codes = Uint8Array.from(entries.map(([a]) => code(a)));
  const cumulative = new Float64Array(entries.length);
  let acc = 0;
  entries.forEach(([, w], i) => {
    acc += w / total;
    cumulative[i] = acc;
  });
  cumulative[entries.length - 1] = 1;
  return { codes, cumulative };
}

export const ACTION_TABLES: readonly ActionTable[] = [
  table(MIXES[PERSONA_RESEARCHER] as Mix),
  table(MIXES[PERSONA_ANALYST] as Mix),
  table(MIXES[PERSONA_VIEWER] as Mix),
];

/** Chance that a session opens with user:login, by persona (SDK users often skip the UI). */
export const LOGIN_SHARE = [0.15, 0.3, 0.35] as const;

export function pickAction(t: ActionTable, r: number): number {
  const cum = t.cumulative;
  for (let i = 0; i < cum.length; i++) if (r < (cum[i] as number)) return t.codes[i] as number;
  return t.codes[cum.length - 1] as number;
}

export const RUN_UPDATE = code("run:update");
export const ARTIFACT_CREATE = code("artifact:create");
