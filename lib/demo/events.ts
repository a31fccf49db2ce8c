// The event stream: day by day, in timestamp order, with memory bounded by the population
// and the busiest day (never by the total event count).
import { dayStartMs, formatDate } from "../audit/timestamp";
import * as actions from "./actions";
import { EventFields, actionHead, toLine, toRecord, type AuditEventRecord, type Finisher } from "./event-fields";
import { buildFragments, type PersonFragments, type ProjectFragments } from "./fragments";
import { buildModel, type Person, type Project } from "./model";
import * as modelConstants from "./model";
import * as names from "./names";
import { resolveOptions, type GenerateOptions } from "./options";
import { Prng, deriveSeed } from "./prng";

/** Sort key = ms-in-day * SLOT_SPACE + slot; exact in a double since ms-in-day < 2^27. */
const SLOT_SPACE = 2 ** 26;
/** Below this many events per active user-day, fewer users are active each day instead. */
const MIN_EVENTS_PER_ACTIVE_DAY = 4;
const OFFSETS: readonly [string, number][] = [
  ["+02:00", 120],
  ["-05:00", -300],
  ["+05:30", 330],
  ["-08:00", -480],
  ["+09:00", 540],
];

const PAD2 = Array.from({ length: 60 }, (_v, i) => String(i).padStart(2, "0"));
const PAD3 = Array.from({ length: 1000 }, (_v, i) => String(i).padStart(3, "0"));
const HOUR_MINUTE = Array.from({ length: 1440 }, (_v, i) => `${PAD2[Math.floor(i / 60)]}:${PAD2[i % 60]}:`);
let SECONDS_MS: string[] | null = null;

/** `SS.mmmZ` for every millisecond of a minute: one ready string instead of four joins per event. */
function secondsMsTable(): string[] {
  SECONDS_MS ??= Array.from({ length: 60_000 }, (_v, i) => `${PAD2[Math.floor(i / 1000)]}.${PAD3[i % 1000]}Z`);
  return SECONDS_MS;
}

function weekday(day: number): number {
  return (day + 4) % 7; // 1970-01-01 was a Thursday; 0 = Sunday
}

/** Fewer people work between Christmas and New Year. */
function holidayFactor(day: number): number {
  const md = formatDate(day).slice(5);
  return md >= "12-24" || md === "01-01" ? 0.35 : 1;
}

function hex8(n: number): string {
  return (n >>> 0).toString(16).padStart(8, "0");
}

function formatWithOffset(ms: number, offsetMinutes: number, suffix: string): string {
  return new Date(ms + offsetMinutes * 60_000).toISOString().slice(0, 23) + suffix;
}

/**
 * Yields exactly `opts.events` events in timestamp order within the `days` ending on `endDate`.
 * The same options always give the same events.
 */
export function generateEvents(opts: GenerateOptions): Generator<AuditEventRecord, void, undefined> {
  return run(opts, toRecord);
}

/** The same events as NDJSON lines (no newline), byte-identical to JSON.stringify of generateEvents' objects. */
export function generateEventLines(opts: GenerateOptions): Generator<string, void, undefined> {
  return run(opts, toLine);
}

function* run<T>(options: GenerateOptions, finish: Finisher<T>): Generator<T, void, undefined> {
  // Hot-loop constants as locals: tsx/esbuild may compile imported bindings to getter calls.
  const { ACTION_SHAPE, ACTION_TABLES, ACTIVITY_ACTIONS, ARTIFACT_CREATE, LOGIN, LOGIN_SHARE, RUN_UPDATE, SDK_SHARE } = actions;
  const { SHAPE_ARTIFACT, SHAPE_PROJECT, SHAPE_REPORT, SHAPE_SELF, pickAction } = actions;
  const { DAY_MS, HOUR_MS, PERSONA_RESEARCHER, cliVersionIndex } = modelConstants;
  const { CLI_VERSIONS } = names;
  const opts = resolveOptions(options);
  const model = buildModel(opts);
  const { people, projects, teams } = model;
  const P = people.length;
  const { startDay, endDay, days } = opts;
  const lifecycle = model.lifecycle.length > opts.events ? model.lifecycle.slice(0, opts.events) : model.lifecycle;
  const activityTotal = opts.events - lifecycle.length;
  const rng = new Prng(deriveSeed(opts.seed, 2));

  const firstActive = Int32Array.from(people, (p) => p.firstActive);
  const lastActive = Int32Array.from(people, (p) => p.lastActive);
  const deactDay = Int32Array.from(people, (p) => p.deactDay);
  const reactDay = Int32Array.from(people, (p) => p.reactDay);
  const pActive = Float64Array.from(people, (p) => p.pActive);
  const weekendFactor = Float64Array.from(people, (p) => p.weekendFactor);
  const intensity = Float64Array.from(people, (p) => p.intensity);
  const eligible = (i: number, day: number): boolean =>
    (firstActive[i] as number) <= day && day <= (lastActive[i] as number) && !((deactDay[i] as number) <= day && day <= (reactDay[i] as number));
  /** Negative on weekends; the magnitude is the holiday factor. */
  const dayFactor = new Float64Array(days);
  for (let d = 0; d < days; d++) {
    const wd = weekday(startDay + d);
    dayFactor[d] = holidayFactor(startDay + d) * (wd === 0 || wd === 6 ? -1 : 1);
  }

  // Expected activity per day, then exact integer quotas by cumulative rounding.
  const quota = new Int32Array(days);
  let pScale = 1;
  {
    const weights = new Float64Array(days);
    let total = 0;
    let expectedActive = 0;
    for (let d = 0; d < days; d++) {
      const day = startDay + d;
      const f = dayFactor[d] as number;
      let w = 0;
      let a = 0;
      for (let i = 0; i < P; i++) {
        if (!eligible(i, day)) continue;
        const p = (pActive[i] as number) * (f < 0 ? (weekendFactor[i] as number) : 1);
        a += p;
        w += p * (intensity[i] as number);
      }
      weights[d] = w * Math.abs(f);
      expectedActive += a * Math.abs(f);
      total += weights[d] as number;
    }
    // A sparse data set (few events for many users) keeps sessions of several events and
    // makes users active on fewer days, rather than spreading single events thinly.
    const perActiveDay = activityTotal / Math.max(expectedActive, 1e-9);
    if (perActiveDay < MIN_EVENTS_PER_ACTIVE_DAY) pScale = Math.max(perActiveDay / MIN_EVENTS_PER_ACTIVE_DAY, 0.02);
    let cum = 0;
    let prev = 0;
    for (let d = 0; d < days; d++) {
      cum += weights[d] as number;
      const upTo = d === days - 1 ? activityTotal : Math.round((cum / total) * activityTotal);
      quota[d] = upTo - prev;
      prev = upTo;
    }
  }
  const lifecyclePerDay = new Int32Array(days);
  for (const e of lifecycle) lifecyclePerDay[e.day - startDay] = (lifecyclePerDay[e.day - startDay] as number) + 1;
  let capacity = 1;
  for (let d = 0; d < days; d++) capacity = Math.max(capacity, (quota[d] as number) + (lifecyclePerDay[d] as number));

  const keys = new Float64Array(capacity);
  const times = new Float64Array(capacity);
  const order = new Int32Array(capacity);
  const slotPerson = new Int32Array(capacity);
  const slotAction = new Uint8Array(capacity);
  const slotProject = new Int32Array(capacity);
  const active = new Int32Array(P);
  const cumWeight = new Float64Array(P);
  const counts = new Int32Array(P);
  const versions = new Int32Array(model.artifactSequenceCount);
  for (let s = 0; s < versions.length; s++) versions[s] = rng.range(1, 6);
  const cliIndex = new Int32Array(P);
  const frags = buildFragments(model);
  const secondsMs = secondsMsTable();
  const ev = new EventFields();

  const pickProject = (p: Person): number => {
    const k = p.teams.length === 1 || rng.next() < 0.7 ? 0 : rng.int(p.teams.length);
    if (rng.next() < 0.6) return p.favoriteProjects[k] as number;
    const team = teams[p.teams[k] as number];
    return team ? rng.pick(team.projects) : 0;
  };

  let lifeIndex = 0;
  for (let d = 0; d < days; d++) {
    const day = startDay + d;
    const q = quota[d] as number;
    const f = dayFactor[d] as number;
    let m = 0;

    if (q > 0) {
      // Who is active today, then how today's events split among them (by intensity).
      let n = 0;
      let cum = 0;
      const scale = Math.abs(f) * pScale;
      for (let i = 0; i < P; i++) {
        if (!eligible(i, day)) continue;
        const p = (pActive[i] as number) * (f < 0 ? (weekendFactor[i] as number) : 1) * scale;
        if (rng.next() < p) {
          active[n] = i;
          cum += intensity[i] as number;
          cumWeight[n] = cum;
          n++;
        }
      }
      if (n === 0) {
        active[0] = 0; // the first admin is always around
        cum = intensity[0] as number;
        cumWeight[0] = cum;
        n = 1;
      }
      counts.fill(q >= n ? 1 : 0, 0, n);
      for (let r = q >= n ? q - n : q; r > 0; r--) {
        const x = rng.next() * cum;
        let lo = 0;
        let hi = n - 1;
        while (lo < hi) {
          const mid = (lo + hi) >>> 1;
          if ((cumWeight[mid] as number) > x) hi = mid;
          else lo = mid + 1;
        }
        counts[lo] = (counts[lo] as number) + 1;
      }
      for (let k = 0; k < n; k++) {
        let c = counts[k] as number;
        if (c === 0) continue;
        const i = active[k] as number;
        const person = people[i] as Person;
        const table = ACTION_TABLES[person.persona] ?? ACTION_TABLES[0];
        if (!table) continue;
        const loginShare = LOGIN_SHARE[person.persona as 0 | 1 | 2];
        cliIndex[i] = cliVersionIndex(person, day, endDay);
        let sessions = c <= 3 ? 1 : c <= 12 ? 1 + (rng.next() < 0.5 ? 1 : 0) : 2 + (rng.next() < 0.5 ? 1 : 0);
        const gap = person.persona === PERSONA_RESEARCHER ? 180_000 : 300_000;
        for (; sessions > 0; sessions--) {
          const cs = sessions === 1 ? c : Math.max(1, Math.min(c - sessions + 1, Math.round((c / sessions) * (0.6 + 0.8 * rng.next()))));
          c -= cs;
          // Late sessions in the Americas land early in the next UTC day: wrap around midnight,
          // then keep the whole session inside the day.
          let t = (((person.workCenterMs + rng.normal() * 2.5 * HOUR_MS) % DAY_MS) + DAY_MS) % DAY_MS;
          const span = cs * gap * 1.2;
          if (t + span >= DAY_MS) t = Math.max(0, DAY_MS - span - 1);
          const project = pickProject(person);
          for (let e = 0; e < cs; e++) {
            slotPerson[m] = i;
            slotAction[m] = e === 0 && rng.next() < loginShare ? LOGIN : pickAction(table, rng.next());
            slotProject[m] = project;
            keys[m] = Math.floor(t) * SLOT_SPACE + m;
            m++;
            t += rng.next() * 2 * gap;
            if (t >= DAY_MS) t = DAY_MS - 1;
          }
        }
      }
    }
    for (; lifeIndex < lifecycle.length; lifeIndex++) {
      const e = lifecycle[lifeIndex];
      if (!e || e.day !== day) break;
      slotPerson[m] = -1 - lifeIndex;
      keys[m] = e.timeMs * SLOT_SPACE + m;
      m++;
    }
    if (m === 0) continue;

    keys.subarray(0, m).sort();
    // Distinct milliseconds for every event of the day: no two generated events are duplicates.
    let prev = -1;
    for (let j = 0; j < m; j++) {
      const key = keys[j] as number;
      let t = Math.floor(key / SLOT_SPACE);
      order[j] = key - t * SLOT_SPACE;
      if (t <= prev) t = prev + 1;
      times[j] = t;
      prev = t;
    }
    if (prev >= DAY_MS) {
      let next = DAY_MS;
      for (let j = m - 1; j >= 0; j--) {
        const t = Math.max(0, Math.min(times[j] as number, next - 1));
        times[j] = t;
        next = t > 0 ? t : 1;
      }
    }

    const dayPrefix = `${formatDate(day)}T`;
    const dayMs = dayStartMs(day);
    // A handful of events carry a non-UTC offset (the instant, and so the order, is unchanged).
    let offsetPending = d % 61 === 7;
    for (let j = 0; j < m; j++) {
      const slot = order[j] as number;
      const t = times[j] as number;
      const minute = Math.floor(t / 60_000);
      const timestamp = dayPrefix + HOUR_MINUTE[minute] + secondsMs[t - minute * 60_000];
      const who = slotPerson[slot] as number;
      if (who < 0) {
        const e = lifecycle[-1 - who];
        if (!e) continue;
        const admin = people[e.actor] as Person;
        const af = frags.people[e.actor] as PersonFragments;
        ev.reset(e.action, actionHead(e.action), timestamp);
        if (admin.id) ev.actor_user_id = admin.id;
        const variant = admin.mixedCase && rng.next() < 0.2;
        ev.actor_email = variant ? admin.emailVariant : admin.email;
        ev.actorFrag = variant ? af.actorVariant : af.actor;
        const ip = admin.ips.length === 1 ? 0 : rng.int(admin.ips.length);
        ev.actor_ip = admin.ips[ip];
        ev.ipFrag = af.ips[ip] as string;
        const team = e.team >= 0 ? teams[e.team] : undefined;
        if (team) {
          ev.entity_name = team.name;
          ev.entity_asset = team.asset;
          ev.entityFrag = frags.teams[e.team] as string;
        }
        const target = e.target >= 0 ? people[e.target] : undefined;
        if (target) {
          const tf = frags.people[e.target] as PersonFragments;
          const tv = target.mixedCase && rng.next() < 0.3;
          if (target.id) ev.user_asset = target.id;
          ev.user_email = tv ? target.emailVariant : target.email;
          ev.userFrag = tv ? tf.targetVariant : tf.target;
        }
        yield finish(ev);
        continue;
      }

      const person = people[who] as Person;
      const pf = frags.people[who] as PersonFragments;
      const action = slotAction[slot] as number;
      const actionName = ACTIVITY_ACTIONS[action] as string;
      const head = frags.activityHeads[action] as string;
      if (offsetPending || rng.next() < 0.00002) {
        offsetPending = false;
        const [suffix, minutes] = OFFSETS[rng.int(OFFSETS.length)] as [string, number];
        ev.reset(actionName, head, formatWithOffset(dayMs + t, minutes, suffix));
      } else {
        ev.reset(actionName, head, timestamp);
      }
      if (person.id) ev.actor_user_id = person.id;
      // Some SDK calls carry the API key's user id only.
      if (action === RUN_UPDATE && person.id && rng.next() < 0.03) {
        ev.actorFrag = pf.actorIdOnly;
      } else if (person.mixedCase && rng.next() < 0.2) {
        ev.actor_email = person.emailVariant;
        ev.actorFrag = pf.actorVariant;
      } else {
        ev.actor_email = person.email;
        ev.actorFrag = pf.actor;
      }
      const ip = person.ips.length === 1 ? 0 : rng.int(person.ips.length);
      ev.actor_ip = person.ips[ip];
      ev.ipFrag = pf.ips[ip] as string;
      const shape = ACTION_SHAPE[action] as number;
      if (shape >= SHAPE_PROJECT) {
        const pi = slotProject[slot] as number;
        const project = projects[pi] as Project;
        const prf = frags.projects[pi] as ProjectFragments;
        ev.entity_name = (teams[project.team] as { name: string }).name;
        ev.project_name = project.name;
        ev.entityFrag = prf.entity;
        if (shape === SHAPE_ARTIFACT) {
          const a = rng.int(project.artifactPrefixes.length);
          const seq = project.artifactSequences[a] as number;
          let v: number;
          let digest = "";
          if (action === ARTIFACT_CREATE) {
            v = versions[seq] as number;
            versions[seq] = v + 1;
            digest = hex8(rng.uint32()) + hex8(rng.uint32()) + hex8(rng.uint32()) + hex8(rng.uint32());
            ev.artifact_digest = digest;
          } else {
            const latest = (versions[seq] as number) - 1;
            v = rng.next() < 0.7 ? latest : rng.int(latest + 1);
          }
          const artifactAsset = btoa(`Artifact:${seq * 100_000 + v}`);
          ev.artifact_qualified_name = (project.artifactPrefixes[a] as string) + v;
          ev.artifact_asset = artifactAsset;
          ev.artifact_sequence_asset = project.artifactSequenceAssets[a] as string;
          ev.artifactFrag =
            (prf.artifactPrefixes[a] as string) +
            v +
            '","artifact_asset":"' +
            artifactAsset +
            (prf.artifactSequences[a] as string) +
            (digest ? ',"artifact_digest":"' + digest + '"' : "");
        } else if (shape === SHAPE_REPORT) {
          const r = rng.int(project.reportNames.length);
          ev.report_name = project.reportNames[r] as string;
          ev.report_asset = project.reportAssets[r] as string;
          ev.reportFrag = prf.reports[r] as string;
        } else {
          ev.project_asset = project.asset;
          ev.projectAssetFrag = prf.asset;
        }
      } else if (shape === SHAPE_SELF && person.id) {
        ev.user_asset = person.id;
        ev.userFrag = pf.self;
      }
      const sdk = SDK_SHARE[action] as number;
      if (sdk > 0 && (sdk >= 1 || rng.next() < sdk)) {
        const v = cliIndex[who] as number;
        ev.cli_version = CLI_VERSIONS[v] as string;
        ev.cliFrag = frags.cli[v] as string;
      }
      const r = rng.next();
      const code = action === LOGIN ? (r < 0.03 ? 401 : 200) : r < 0.004 ? 403 : r < 0.008 ? 404 : r < 0.0095 ? 500 : 200;
      ev.response_code = code;
      ev.tail = code === 200 ? frags.ok : (frags.codes.get(code) as string);
      yield finish(ev);
    }
  }
}
