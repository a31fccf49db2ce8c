import { Histogram } from "prom-client";
import { metrics } from "./registry";

const holder = globalThis as unknown as { __orgtrailHttpMetrics?: Histogram<"method" | "route" | "status"> };

function histogram(): Histogram<"method" | "route" | "status"> {
  holder.__orgtrailHttpMetrics ??= new Histogram({
    name: "orgtrail_http_request_duration_seconds",
    help: "Time from request to response headers, per route template (never a raw path), method and status.",
    labelNames: ["method", "route", "status"],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [metrics().registry],
  });
  return holder.__orgtrailHttpMetrics;
}

type Params = Record<string, string | string[] | undefined>;

/**
 * The route's path template: the request path with each dynamic segment replaced by its
 * `[name]` (catch-alls by `[...name]`), so an id, email or key never becomes a label value.
 * Anything that still does not look like a literal segment is masked.
 */
export function routeTemplate(pathname: string, params: Params = {}): string {
  const segments = pathname
    .split("/")
    .filter((s) => s.length > 0)
    .map((s) => {
      try {
        return decodeURIComponent(s);
      } catch {
        return s;
      }
    });
  const out: string[] = [...segments];
  const taken = new Set<number>();
  for (const [name, value] of Object.entries(params)) {
    if (Array.isArray(value)) {
      const at = findRun(segments, value, taken);
      if (at >= 0) {
        out.splice(at, value.length, `[...${name}]`, ...Array<string>(value.length - 1).fill("\u0000"));
        for (let i = at; i < at + value.length; i++) taken.add(i);
      }
    } else if (value !== undefined) {
      const at = segments.findIndex((s, i) => s === value && !taken.has(i));
      if (at >= 0) {
        out[at] = `[${name}]`;
        taken.add(at);
      }
    }
  }
  const literal = /^[a-z_][a-z0-9._-]{0,63}$/i;
  const parts = out.filter((s) => s !== "\u0000").map((s) => (s.startsWith("[") || literal.test(s) ? s : "[param]"));
  return `/${parts.join("/")}`.slice(0, 160);
}

function findRun(segments: string[], run: string[], taken: Set<number>): number {
  if (run.length === 0) return -1;
  for (let i = 0; i + run.length <= segments.length; i++) {
    if (run.every((v, j) => segments[i + j] === v && !taken.has(i + j))) return i;
  }
  return -1;
}

/** Records one handled request; never throws (metrics must not break a response). */
export async function observeRequest(request: Request, context: unknown, status: number, seconds: number): Promise<void> {
  try {
    const raw = (context as { params?: Params | Promise<Params> } | undefined)?.params;
    const params = raw ? await raw : {};
    const route = routeTemplate(new URL(request.url).pathname, params ?? {});
    histogram().observe({ method: request.method, route, status: String(status) }, seconds);
  } catch {
    // a malformed URL or params: skip the sample
  }
}
