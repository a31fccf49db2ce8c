import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { isSchemaKey } from "../../../lib/audit/schema";
import { dayStartMs, parseDate, parseRfc3339 } from "../../../lib/audit/timestamp";
import {
  csvQuote,
  generateDirectory,
  generateEventLines,
  generateEvents,
  usersCsv,
  type AuditEventRecord,
  type GenerateOptions,
} from "../../../lib/demo/generate";

const OPTS: GenerateOptions = { seed: 42, users: 400, events: 60_000, endDate: "2026-11-25", days: 730 };

function collect(opts: GenerateOptions): AuditEventRecord[] {
  return Array.from(generateEvents(opts));
}

function hashLines(opts: GenerateOptions): string {
  const h = createHash("sha256");
  for (const line of generateEventLines(opts)) h.update(line + "\n");
  return h.digest("hex");
}

const events = collect(OPTS);
const directory = generateDirectory(OPTS);

describe("generateEvents", () => {
  it("is deterministic: the same options give byte-identical output", { timeout: 60_000 }, () => {
    const small = { ...OPTS, events: 20_000 };
    expect(hashLines(small)).toBe(hashLines({ ...small }));
    expect(hashLines({ ...small, seed: 43 })).not.toBe(hashLines(small));
    expect(collect({ ...OPTS, events: 500 }).map((e) => JSON.stringify(e))).toEqual(collect({ ...OPTS, events: 500 }).map((e) => JSON.stringify(e)));
  });

  it("yields exactly the requested number of events", () => {
    expect(events).toHaveLength(OPTS.events);
    for (const n of [0, 1, 17, 250, 5_000]) {
      let count = 0;
      for (const _e of generateEvents({ ...OPTS, users: 120, events: n })) count++;
      expect(count).toBe(n);
    }
  });

  it("yields events in timestamp order, all within the requested days", () => {
    const from = dayStartMs(parseDate(OPTS.endDate)! - OPTS.days + 1);
    const to = dayStartMs(parseDate(OPTS.endDate)! + 1);
    const problems: string[] = [];
    let prev = -Infinity;
    for (const e of events) {
      const parsed = parseRfc3339(String(e.timestamp));
      if (!parsed.ok) problems.push(parsed.error);
      // Strictly increasing: no two generated events share a millisecond (so none are duplicates).
      else if (parsed.ms <= prev || parsed.ms < from || parsed.ms >= to) problems.push(String(e.timestamp));
      else prev = parsed.ms;
    }
    expect(problems).toEqual([]);
  });

  it("uses only schema keys, with string or number values", () => {
    const problems = new Set<string>();
    for (const e of events) {
      if (typeof e.action !== "string" || typeof e.timestamp !== "string") problems.add("action/timestamp");
      for (const key in e) {
        const value = e[key];
        if (!isSchemaKey(key)) problems.add(`key ${key}`);
        if (typeof value !== "string" && typeof value !== "number") problems.add(`${key}: ${typeof value}`);
      }
    }
    expect([...problems]).toEqual([]);
  });

  it("NDJSON lines are byte-identical to JSON.stringify of the events", { timeout: 30_000 }, () => {
    let i = 0;
    const mismatches: string[] = [];
    for (const line of generateEventLines(OPTS)) {
      if (line !== JSON.stringify(events[i])) mismatches.push(line);
      i++;
    }
    expect(mismatches).toEqual([]);
    expect(i).toBe(events.length);
  });

  it("includes every lifecycle action, with an admin actor and the target user", () => {
    const admins = new Set(directory.filter((u) => u.role === "admin").map((u) => u.email));
    const lifecycle = ["user:create", "team:invite_user", "team:uninvite", "user:deactivate", "user:reactivate", "user:delete", "user:permanently_delete"];
    for (const action of lifecycle) {
      const found = events.filter((e) => e.action === action);
      expect(found.length, action).toBeGreaterThan(0);
      for (const e of found) {
        expect(admins.has(String(e.actor_email).toLowerCase()), `${action} by ${e.actor_email}`).toBe(true);
        expect(typeof e.user_email).toBe("string");
      }
    }
    for (const e of events.filter((x) => x.action === "team:invite_user")) expect(typeof e.entity_name).toBe("string");
  });

  it("mixes realistic activity: actions, failures, offsets, email case and events-only users", () => {
    const actions = new Set(events.map((e) => e.action));
    for (const a of [
      "user:login",
      "project:read",
      "run:update",
      "run:update_many",
      "artifact:read",
      "artifact:create",
      "report:read",
      "sweep:create_agent",
      "user:read",
    ])
      expect(actions.has(a), a).toBe(true);
    const codes = new Set(events.map((e) => e.response_code));
    for (const c of [200, 401, 403, 404, 500]) expect(codes.has(c), String(c)).toBe(true);
    expect(events.filter((e) => e.response_code === 200).length / events.length).toBeGreaterThan(0.9);
    expect(events.some((e) => /[+-]\d{2}:\d{2}$/.test(String(e.timestamp)))).toBe(true);
    expect(events.some((e) => typeof e.actor_email === "string" && e.actor_email !== e.actor_email.toLowerCase())).toBe(true);
    const ipRange = /^(192\.0\.2|198\.51\.100|203\.0\.113)\.\d+$/;
    expect(events.filter((e) => typeof e.actor_ip !== "string" || !ipRange.test(e.actor_ip))).toEqual([]);
    expect(events.filter((e) => e.action === "sweep:create_agent" && !/^\d+\.\d+\.\d+$/.test(String(e.cli_version)))).toEqual([]);
    const known = new Set(directory.map((u) => u.email));
    const actors = new Set(
      events
        .map((e) => e.actor_email)
        .filter((x): x is string => typeof x === "string")
        .map((x) => x.toLowerCase()),
    );
    const outside = [...actors].filter((a) => !known.has(a));
    expect(outside.length).toBeGreaterThan(0);
    expect(outside.length / actors.size).toBeLessThan(0.1);
  });

  it("rejects impossible options", () => {
    expect(() => generateEvents({ ...OPTS, endDate: "2026-02-30" }).next()).toThrow(RangeError);
    expect(() => generateEvents({ ...OPTS, users: 0 }).next()).toThrow(RangeError);
    expect(() => generateEvents({ ...OPTS, events: -1 }).next()).toThrow(RangeError);
  });
});

describe("generateDirectory and usersCsv", () => {
  it("lists exactly the requested users with unique usernames and emails", () => {
    expect(directory).toHaveLength(OPTS.users);
    expect(new Set(directory.map((u) => u.username)).size).toBe(directory.length);
    expect(new Set(directory.map((u) => u.email.toLowerCase())).size).toBe(directory.length);
    for (const u of directory) {
      expect(u.email).toMatch(/^[a-z0-9.-]+@acme\.test$/);
      expect(["admin", "member", "viewer"]).toContain(u.role);
      expect(u.teams.length).toBeGreaterThan(0);
    }
    expect(directory.some((u) => u.role === "admin")).toBe(true);
    expect(generateDirectory({ ...OPTS, events: 10 })).toEqual(directory); // independent of the event count
  });

  it("writes the export's CSV format", () => {
    const csv = usersCsv(directory);
    const lines = csv.trimEnd().split("\n");
    expect(lines[0]).toBe(
      '"Name","Username","Last active","Role","Email","Teams","Status","Number of Reports","Number of Runs","Number of active days","Models Seat"',
    );
    expect(lines).toHaveLength(directory.length + 1);
    const u = directory[0]!;
    expect(lines[1]).toBe(
      `${csvQuote(u.name)},"${u.username}","","${u.role}","${u.email}","${[...u.teams].sort().join(", ")}","",${u.reports},${u.runs},0,"${u.modelsSeat ?? ""}"`,
    );
    expect(
      usersCsv([
        { name: 'Ana "A" Smith', username: "ana", email: "ana@acme.test", role: "admin", teams: ["vision", "nlp"], modelsSeat: "Full", reports: 2, runs: 40 },
      ]),
    ).toBe(
      '"Name","Username","Last active","Role","Email","Teams","Status","Number of Reports","Number of Runs","Number of active days","Models Seat"\n' +
        '"Ana ""A"" Smith","ana","","admin","ana@acme.test","nlp, vision","",2,40,0,"Full"\n',
    );
  });
});
