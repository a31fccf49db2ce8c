// The demo organization's hidden model: teams, projects and every person with an activity
// profile and a lifecycle. The directory and the event stream are both views of it, so
// they agree (teams, emails, join days, deactivations).
import { CLI_VERSIONS, FIRST_NAMES, LAST_NAMES, PROJECT_WORDS, REPORT_TITLES, TEAM_SUFFIXES, TEAM_WORDS, ARTIFACT_WORDS } from "./names";
import { assertJsonSafe } from "./event-fields";
import type { ResolvedOptions } from "./options";
import { Prng, deriveSeed } from "./prng";

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
/** A day number beyond any real one: "never". */
export const NEVER = 1e9;

export type Role = "admin" | "member" | "viewer";
export type ModelsSeat = "Full" | "Viewer" | "None";
export type Profile = "heavy" | "medium" | "light" | "lapsed" | "pending";

/** Personas pick the action mix: SDK-heavy researchers, UI analysts, read-only viewers. */
export const PERSONA_RESEARCHER = 0;
export const PERSONA_ANALYST = 1;
export const PERSONA_VIEWER = 2;

export interface Team {
  name: string;
  asset: string;
  projects: number[];
}

export interface Project {
  team: number;
  name: string;
  asset: string;
  /** `team/project/artifact:v` prefixes, one per artifact sequence. */
  artifactPrefixes: string[];
  artifactSequenceAssets: string[];
  /** Global artifact-sequence ids, parallel to artifactPrefixes (index into Model.artifactVersions). */
  artifactSequences: number[];
  reportNames: string[];
  reportAssets: string[];
}

export interface Person {
  index: number;
  name: string;
  username: string;
  /** Canonical (lowercase) email, as the directory lists it. */
  email: string;
  /** The same address with capitals (`Ana.Smith@acme.test`): events use it now and then. */
  emailVariant: string;
  /** actor_user_id / user_asset; "" for events-only users whose events carry an email only. */
  id: string;
  ips: string[];
  role: Role;
  modelsSeat: ModelsSeat;
  inDirectory: boolean;
  profile: Profile;
  persona: number;
  /** Final team memberships (indexes into Model.teams), primary first. */
  teams: number[];
  /** Per team in `teams`, the project (index into Model.projects) this person mostly works in. */
  favoriteProjects: number[];
  pActive: number;
  weekendFactor: number;
  intensity: number;
  joinDay: number;
  firstActive: number;
  /** Last day the person may be active (inclusive): a lapse or a deletion ends activity early. */
  lastActive: number;
  /** Inactive from deactDay through reactDay (inclusive); NEVER when not applicable. */
  deactDay: number;
  reactDay: number;
  /** Centre of the working day, UTC milliseconds into the day. */
  workCenterMs: number;
  cliLag: number;
  mixedCase: boolean;
  reports: number;
  runs: number;
}

export interface LifecycleEvent {
  day: number;
  timeMs: number;
  action: string;
  actor: number;
  /** Person index, or -1 when the action targets no user. */
  target: number;
  /** Team index, or -1. */
  team: number;
}

export interface Model {
  teams: Team[];
  projects: Project[];
  people: Person[];
  /** Number of people that the directory lists: indexes [0, directoryCount). */
  directoryCount: number;
  admins: number[];
  /** Sorted by (day, timeMs). */
  lifecycle: LifecycleEvent[];
  artifactSequenceCount: number;
}

function asset(kind: string, id: number): string {
  return btoa(`${kind}:${id}`);
}

function shuffled<T>(items: readonly T[], rng: Prng): T[] {
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const a = out[i] as T;
    out[i] = out[j] as T;
    out[j] = a;
  }
  return out;
}

function ascii(text: string): string {
  return text
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/ø/g, "o")
    .replace(/ß/g, "ss");
}

function slug(text: string, joiner: string): string {
  return ascii(text)
    .toLowerCase()
    .replace(/'/g, "")
    .replace(/[^a-z0-9]+/g, joiner)
    .replace(new RegExp(`^\\${joiner}+|\\${joiner}+$`, "g"), "");
}

function capitalizeLocal(email: string): string {
  const at = email.indexOf("@");
  const local = email.slice(0, at).replace(/(^|[.-])([a-z])/g, (_m, sep: string, c: string) => sep + c.toUpperCase());
  return local + email.slice(at);
}

function buildTeams(opts: ResolvedOptions, rng: Prng): { teams: Team[]; projects: Project[]; sequences: number } {
  const words = shuffled(TEAM_WORDS, rng);
  const teams: Team[] = [];
  const projects: Project[] = [];
  let sequences = 0;
  for (let i = 0; i < opts.teams; i++) {
    const round = Math.floor(i / words.length);
    const suffix = TEAM_SUFFIXES[round % TEAM_SUFFIXES.length] ?? "";
    const extra = round >= TEAM_SUFFIXES.length ? `-${Math.floor(round / TEAM_SUFFIXES.length) + 1}` : "";
    const name = `${words[i % words.length]}${suffix}${extra}`;
    const team: Team = { name, asset: asset("Entity", 100 + i), projects: [] };
    const projectWords = shuffled(PROJECT_WORDS, rng).slice(0, rng.range(3, 8));
    for (const pw of projectWords) {
      const pid = projects.length;
      const artifactWords = shuffled(ARTIFACT_WORDS, rng).slice(0, rng.range(3, 5));
      const reportTitles = shuffled(REPORT_TITLES, rng).slice(0, rng.range(1, 2));
      const project: Project = {
        team: i,
        name: pw,
        asset: asset("Project", 5000 + pid),
        artifactPrefixes: artifactWords.map((a) => `${name}/${pw}/${a}:v`),
        artifactSequenceAssets: [],
        artifactSequences: [],
        reportNames: reportTitles.map((t) => `${t} (${pw})`),
        reportAssets: reportTitles.map((_t, k) => asset("View", 90_000 + pid * 4 + k)),
      };
      for (let k = 0; k < artifactWords.length; k++) {
        project.artifactSequences.push(sequences);
        project.artifactSequenceAssets.push(asset("ArtifactSequence", 70_000 + sequences));
        sequences++;
      }
      projects.push(project);
      team.projects.push(pid);
    }
    teams.push(team);
  }
  return { teams, projects, sequences };
}

const IP_PREFIXES = ["192.0.2.", "198.51.100.", "203.0.113."] as const;
/** UTC centres of the working day by region (Americas, EMEA, APAC). */
const REGION_CENTERS_H = [16, 10.5, 3] as const;

export function buildModel(opts: ResolvedOptions): Model {
  const rng = new Prng(deriveSeed(opts.seed, 1));
  const { teams, projects, sequences } = buildTeams(opts, rng);
  const U = opts.users;
  const deletedCount = U >= 20 ? Math.max(1, Math.round(U * 0.015)) : 0;
  const eventsOnlyCount = U >= 10 ? Math.max(1, Math.round(U * 0.03)) : 0;
  const total = U + deletedCount + eventsOnlyCount;
  const adminCount = Math.max(1, Math.min(50, Math.round(U * 0.015)));
  const teamWeights = teams.map((_t, k) => 1 / Math.pow(k + 1, 0.8));
  const teamWeightSum = teamWeights.reduce((a, b) => a + b, 0);
  const pickTeam = (): number => {
    let r = rng.next() * teamWeightSum;
    for (let k = 0; k < teamWeights.length; k++) {
      r -= teamWeights[k] as number;
      if (r < 0) return k;
    }
    return teams.length - 1;
  };

  const usernames = new Set<string>();
  const emails = new Set<string>();
  const people: Person[] = [];
  const { startDay, endDay, days } = opts;
  const founderSpan = Math.min(13, days - 1);

  for (let i = 0; i < total; i++) {
    const inDirectory = i < U;
    const eventsOnly = i >= U + deletedCount;
    const first = rng.pick(FIRST_NAMES);
    const last = rng.pick(LAST_NAMES);
    const baseUser = `${slug(first, "-")}-${slug(last, "-")}`;
    const baseLocal = `${slug(first, "")}.${slug(last, "")}`;
    const domain = eventsOnly && rng.chance(0.5) ? `${opts.company}-partners.test` : `${opts.company}.test`;
    let n = 1;
    let username = baseUser;
    let email = `${baseLocal}@${domain}`;
    while (usernames.has(username) || emails.has(email)) {
      n++;
      username = `${baseUser}${n}`;
      email = `${baseLocal}${n}@${domain}`;
    }
    usernames.add(username);
    emails.add(email);
    // A few directory names carry a nickname in quotes: exercises CSV quote doubling.
    const name = inDirectory && rng.chance(0.01) ? `${first} "${first.slice(0, 2)}" ${last}` : `${first} ${last}`;

    const role: Role = i < adminCount ? "admin" : rng.chance(0.1) ? "viewer" : "member";
    const modelsSeat: ModelsSeat = role === "admin" ? "Full" : role === "viewer" ? (rng.chance(0.7) ? "Viewer" : "None") : rng.chance(0.9) ? "Full" : "Viewer";

    let profile: Profile;
    if (role === "admin") profile = rng.chance(0.6) ? "heavy" : "medium";
    else {
      const r = rng.next();
      profile = inDirectory && r < 0.04 ? "pending" : r < 0.12 ? "heavy" : r < 0.37 ? "medium" : r < 0.8 ? "light" : "lapsed";
    }
    const persona = role === "viewer" ? PERSONA_VIEWER : role === "admin" ? PERSONA_ANALYST : rng.chance(0.6) ? PERSONA_RESEARCHER : PERSONA_ANALYST;

    const founder = i < adminCount || rng.chance(0.25);
    let joinDay: number;
    if (i < adminCount) joinDay = startDay;
    else if (founder) joinDay = startDay + rng.range(0, founderSpan);
    else joinDay = Math.min(endDay, startDay + Math.floor(days * Math.sqrt(rng.next())));
    // The first admin predates the window; everyone else starts a day or more after being created.
    const firstActive = i === 0 ? startDay : profile === "pending" ? NEVER : joinDay + rng.range(1, 4);

    const teamsOf: number[] = [pickTeam()];
    const extraTeams = rng.chance(0.25) ? (rng.chance(0.3) ? 2 : 1) : 0;
    for (let k = 0; k < extraTeams && teamsOf.length < teams.length; k++) {
      let t = pickTeam();
      for (let guard = 0; teamsOf.includes(t) && guard < 8; guard++) t = rng.int(teams.length);
      if (!teamsOf.includes(t)) teamsOf.push(t);
    }
    const favoriteProjects = teamsOf.map((t) => rng.pick((teams[t] as Team).projects));

    const base = profile === "heavy" ? 5 : profile === "medium" ? 2 : profile === "lapsed" ? 1.2 : 1;
    const intensity = base * Math.exp(0.6 * rng.normal());
    const pActive = profile === "heavy" ? 0.85 : profile === "medium" ? 0.45 : profile === "lapsed" ? 0.3 : profile === "light" ? 0.12 : 0;
    const weekendFactor = profile === "heavy" ? 0.3 : 0.1;
    const region = i === 0 ? 1 : rng.chance(0.5) ? 0 : rng.chance(0.7) ? 1 : 2;
    const workCenterMs = ((REGION_CENTERS_H[region] as number) + rng.normal() * 0.8) * HOUR_MS;

    const id = eventsOnly && rng.chance(0.5) ? "" : asset("User", 1000 + i * 7 + rng.int(7));
    const ips: string[] = [];
    const ipCount = rng.chance(0.3) ? 2 : 1;
    for (let k = 0; k < ipCount; k++) ips.push(`${rng.pick(IP_PREFIXES)}${rng.range(1, 254)}`);

    people.push({
      index: i,
      name,
      username,
      email,
      emailVariant: capitalizeLocal(email),
      id,
      ips,
      role,
      modelsSeat,
      inDirectory,
      profile,
      persona,
      teams: teamsOf,
      favoriteProjects,
      pActive,
      weekendFactor,
      intensity,
      joinDay,
      firstActive,
      lastActive: endDay,
      deactDay: NEVER,
      reactDay: NEVER,
      workCenterMs,
      cliLag: rng.range(0, 3),
      mixedCase: rng.chance(0.06),
      reports: 0,
      runs: 0,
    });
  }

  const admins = people.slice(0, adminCount).map((p) => p.index);
  const lifecycle = buildLifecycle(opts, rng, people, teams, admins, U, deletedCount);
  for (const p of people) {
    const span = Math.max(0, Math.min(p.lastActive, endDay) - Math.min(p.firstActive, endDay + 1) + 1);
    const activeDays = span * p.pActive * (5 / 7 + (2 / 7) * p.weekendFactor);
    p.runs = Math.round(activeDays * p.intensity * (p.persona === PERSONA_RESEARCHER ? 0.8 : p.persona === PERSONA_ANALYST ? 0.1 : 0));
    p.reports = Math.round(activeDays * (p.persona === PERSONA_ANALYST ? 0.05 : 0.01) * rng.next());
  }
  assertJsonSafe(
    (function* () {
      for (const t of teams) yield* [t.name, t.asset];
      for (const p of projects) yield* [p.name, p.asset, ...p.artifactPrefixes, ...p.artifactSequenceAssets, ...p.reportNames, ...p.reportAssets];
      for (const p of people) yield* [p.email, p.emailVariant, p.id, ...p.ips];
    })(),
  );
  return { teams, projects, people, directoryCount: U, admins, lifecycle, artifactSequenceCount: sequences };
}

function buildLifecycle(
  opts: ResolvedOptions,
  rng: Prng,
  people: Person[],
  teams: Team[],
  admins: number[],
  U: number,
  deletedCount: number,
): LifecycleEvent[] {
  const { startDay, endDay } = opts;
  const out: LifecycleEvent[] = [];
  const adminAt = (day: number): number => (day <= startDay ? 0 : (admins[rng.int(admins.length)] as number));
  // On the first day the teams are created at 08:00 UTC, before anyone is invited to them.
  const adminTime = (actor: number, day: number): number => {
    const center = (people[actor] as Person).workCenterMs;
    const t = center + rng.normal() * 2 * HOUR_MS;
    return Math.min(DAY_MS - 3_600_000, Math.max(day === startDay ? 9 * HOUR_MS : 0, Math.round(t)));
  };
  const push = (day: number, timeMs: number, action: string, actor: number, target: number, team: number): void => {
    if (day < startDay || day > endDay) return;
    out.push({ day, timeMs, action, actor, target, team });
  };
  teams.forEach((_t, k) => push(startDay, 8 * HOUR_MS + k * 7_000 + rng.int(5_000), "team:create", 0, -1, k));

  for (const p of people) {
    if (p.index === 0) continue;
    const eventsOnly = p.index >= U + deletedCount;
    if (eventsOnly && rng.chance(0.5)) continue; // appears only through its own events
    const actor = adminAt(p.joinDay);
    const t = adminTime(actor, p.joinDay);
    push(p.joinDay, t, "user:create", actor, p.index, -1);
    if (rng.chance(0.85)) push(p.joinDay, t + rng.range(30_000, 900_000), "team:invite_user", actor, p.index, p.teams[0] as number);
    for (let k = 1; k < p.teams.length; k++) {
      const day = Math.min(endDay, p.joinDay + rng.range(0, 200));
      const a = adminAt(day);
      push(day, adminTime(a, day) + 1_000_000, "team:invite_user", a, p.index, p.teams[k] as number);
    }
    // An extra team later left: invited, then uninvited (so it is not among the final teams).
    if (rng.chance(0.04) && teams.length > p.teams.length) {
      let extra = rng.int(teams.length);
      while (p.teams.includes(extra)) extra = (extra + 1) % teams.length;
      const day = Math.min(endDay, p.joinDay + rng.range(1, 120));
      const leave = day + rng.range(10, 200);
      if (leave <= endDay) {
        const a = adminAt(day);
        push(day, adminTime(a, day), "team:invite_user", a, p.index, extra);
        const b = adminAt(leave);
        push(leave, adminTime(b, leave), "team:uninvite", b, p.index, extra);
      }
    }
  }

  for (const p of people) {
    if (p.role === "admin" || p.firstActive === NEVER) continue;
    if (p.profile === "lapsed") {
      const lo = p.firstActive + 14;
      const hi = endDay - 190;
      if (lo <= hi) p.lastActive = rng.range(lo, hi);
      else p.profile = "light";
    }
    const deleted = p.index >= U && p.index < U + deletedCount;
    if (deleted) {
      const lo = p.firstActive + 20;
      if (lo > endDay) continue;
      const day = rng.range(lo, endDay);
      p.lastActive = Math.min(p.lastActive, day - 1);
      if (rng.chance(0.4)) {
        const deact = Math.max(p.firstActive + 1, day - rng.range(1, 30));
        const a = adminAt(deact);
        push(deact, adminTime(a, deact), "user:deactivate", a, p.index, -1);
        p.lastActive = Math.min(p.lastActive, deact - 1);
      }
      const a = adminAt(day);
      push(day, adminTime(a, day), rng.chance(0.7) ? "user:delete" : "user:permanently_delete", a, p.index, -1);
      continue;
    }
    if (p.inDirectory && rng.chance(0.05)) {
      const lo = p.firstActive + 20;
      if (lo > endDay) continue;
      p.deactDay = rng.range(lo, endDay);
      const a = adminAt(p.deactDay);
      push(p.deactDay, adminTime(a, p.deactDay), "user:deactivate", a, p.index, -1);
      if (rng.chance(0.3)) {
        const react = p.deactDay + rng.range(5, 150);
        if (react <= endDay) {
          p.reactDay = react;
          const b = adminAt(react);
          push(react, adminTime(b, react), "user:reactivate", b, p.index, -1);
        }
      }
    }
  }
  // Now and then an admin creates a service account for a team.
  for (let k = 0; k < teams.length; k++) {
    if (!rng.chance(0.3)) continue;
    const day = rng.range(startDay, endDay);
    const a = adminAt(day);
    push(day, adminTime(a, day), "team:create_service_account", a, -1, k);
  }
  out.sort((x, y) => x.day - y.day || x.timeMs - y.timeMs || x.target - y.target);
  return out;
}

/** The SDK version a person runs on a day: everyone upgrades over time, some lag behind. */
export function cliVersionIndex(person: Person, day: number, endDay: number): number {
  const idx = CLI_VERSIONS.length - 1 - Math.floor((endDay - day) / 45) - person.cliLag;
  return idx < 0 ? 0 : idx;
}
