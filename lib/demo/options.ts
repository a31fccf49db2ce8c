import { parseDate } from "../audit/timestamp";

export interface GenerateOptions {
  seed: number;
  /** Users in the directory (the users CSV). Events also name a few more: deleted and events-only users. */
  users: number;
  /** Exact number of events generateEvents yields. */
  events: number;
  /** The last UTC day, YYYY-MM-DD. */
  endDate: string;
  /** Span in days ending on endDate, e.g. 730. */
  days: number;
  /** Number of teams; default grows with the square root of the user count. */
  teams?: number;
  /** Email domain stem: users are first.last@<company>.test. Default "acme". */
  company?: string;
}

export interface ResolvedOptions {
  seed: number;
  users: number;
  events: number;
  startDay: number;
  endDay: number;
  days: number;
  teams: number;
  company: string;
}

function requireInteger(name: string, value: number, min: number): void {
  if (!Number.isSafeInteger(value) || value < min) throw new RangeError(`${name} must be an integer >= ${min}, got ${value}`);
}

export function resolveOptions(opts: GenerateOptions): ResolvedOptions {
  requireInteger("users", opts.users, 1);
  requireInteger("events", opts.events, 0);
  requireInteger("days", opts.days, 1);
  if (!Number.isFinite(opts.seed)) throw new RangeError(`seed must be a number, got ${opts.seed}`);
  const endDay = parseDate(opts.endDate);
  if (endDay === null) throw new RangeError(`endDate must be YYYY-MM-DD, got ${JSON.stringify(opts.endDate)}`);
  const teams = opts.teams ?? Math.max(3, Math.min(100, Math.round(Math.sqrt(opts.users) / 2)));
  requireInteger("teams", teams, 1);
  const company = (opts.company ?? "acme").toLowerCase();
  if (!/^[a-z0-9][a-z0-9-]*$/.test(company)) throw new RangeError(`company must be a DNS label, got ${JSON.stringify(company)}`);
  return {
    seed: opts.seed >>> 0,
    users: opts.users,
    events: opts.events,
    startDay: endDay - opts.days + 1,
    endDay,
    days: opts.days,
    teams,
    company,
  };
}
