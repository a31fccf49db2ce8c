// Pre-built line fragments per person, team, project and constant, so that an event line
// is a join of a dozen ready strings (see event-fields.ts).
import { ACTIVITY_ACTIONS } from "./actions";
import { actionHead, frag, responseTail } from "./event-fields";
import type { Model } from "./model";
import { CLI_VERSIONS } from "./names";

export interface PersonFragments {
  /** actor_user_id + actor_email (canonical / capitalized email), and actor_user_id alone. */
  actor: string;
  actorVariant: string;
  actorIdOnly: string;
  ips: string[];
  /** user_asset + user_email, when the person is the target of an admin action. */
  target: string;
  targetVariant: string;
  /** user_asset alone (user:update of one's own profile). */
  self: string;
}

export interface ProjectFragments {
  /** entity_name + project_name */
  entity: string;
  asset: string;
  reports: string[];
  /** `,"artifact_qualified_name":"team/project/name:v` per sequence (the version follows). */
  artifactPrefixes: string[];
  /** `","artifact_sequence_asset":"…"` per sequence (closes the artifact_asset value). */
  artifactSequences: string[];
}

export interface Fragments {
  people: PersonFragments[];
  projects: ProjectFragments[];
  /** entity_name + entity_asset per team. */
  teams: string[];
  activityHeads: string[];
  cli: string[];
  ok: string;
  codes: Map<number, string>;
}

export function buildFragments(model: Model): Fragments {
  const people = model.people.map((p): PersonFragments => {
    const id = p.id ? frag("actor_user_id", p.id) : "";
    const asset = p.id ? frag("user_asset", p.id) : "";
    return {
      actor: id + frag("actor_email", p.email),
      actorVariant: id + frag("actor_email", p.emailVariant),
      actorIdOnly: id,
      ips: p.ips.map((ip) => frag("actor_ip", ip)),
      target: asset + frag("user_email", p.email),
      targetVariant: asset + frag("user_email", p.emailVariant),
      self: asset,
    };
  });
  const projects = model.projects.map((p): ProjectFragments => {
    const team = model.teams[p.team];
    return {
      entity: frag("entity_name", team ? team.name : "") + frag("project_name", p.name),
      asset: frag("project_asset", p.asset),
      reports: p.reportNames.map((r, k) => frag("report_name", r) + frag("report_asset", p.reportAssets[k] ?? "")),
      artifactPrefixes: p.artifactPrefixes.map((a) => `,"artifact_qualified_name":"${a}`),
      artifactSequences: p.artifactSequenceAssets.map((a) => `","artifact_sequence_asset":"${a}"`),
    };
  });
  const codes = new Map<number, string>();
  for (const c of [200, 401, 403, 404, 500]) codes.set(c, responseTail(c));
  return {
    people,
    projects,
    teams: model.teams.map((t) => frag("entity_name", t.name) + frag("entity_asset", t.asset)),
    activityHeads: ACTIVITY_ACTIONS.map(actionHead),
    cli: CLI_VERSIONS.map((v) => frag("cli_version", v)),
    ok: responseTail(200),
    codes,
  };
}
