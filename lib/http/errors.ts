import { observeRequest } from "../metrics/http-metrics";
import { recordAccess } from "./access-log";

/** The one way an error leaves a route: `{"error":{"code","message"}}` with its status. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const badRequest = (message: string) => new HttpError(400, "bad_request", message);
export const unauthorized = (message = "authentication required") =>
  new HttpError(401, "unauthorized", message, { "WWW-Authenticate": 'Basic realm="orgtrail", charset="UTF-8"' });
export const forbidden = (message = "organization admin role required") => new HttpError(403, "forbidden", message);
export const notFound = (message = "not found") => new HttpError(404, "not_found", message);
export const tooManyRequests = (retryAfterSeconds: number) =>
  new HttpError(429, "too_many_requests", `too many failed attempts; retry in ${retryAfterSeconds} s`, { "Retry-After": String(retryAfterSeconds) });
export const payloadTooLarge = (message: string) => new HttpError(413, "payload_too_large", message);

/** Maps anything thrown in a route to a response; unexpected errors never leak a stack trace. */
export function errorResponse(error: unknown): Response {
  if (error instanceof HttpError) {
    return Response.json(
      { error: { code: error.code, message: error.message } },
      { status: error.status, headers: error.headers },
    );
  }
  console.error("orgtrail: unexpected error", error);
  if (isStoreUnavailable(error)) {
    return Response.json({ error: { code: "unavailable", message: "the store is unavailable, try again later" } }, { status: 503, headers: { "Retry-After": "5" } });
  }
  return Response.json({ error: { code: "internal", message: "internal error" } }, { status: 500 });
}

const UNAVAILABLE_CODES = ["ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "57P01", "57P02", "57P03", "53300"];
// SQLite's primary codes; better-sqlite3 reports the extended ones (SQLITE_IOERR_WRITE, SQLITE_BUSY_SNAPSHOT...).
const UNAVAILABLE_SQLITE = ["SQLITE_BUSY", "SQLITE_FULL", "SQLITE_IOERR", "SQLITE_READONLY", "SQLITE_CANTOPEN"];
// pg's own errors for a lost or unreachable server carry no code, only these messages.
const PG_CONNECTION_LOST = /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error)/;

function isStoreUnavailable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === "string") {
    return UNAVAILABLE_CODES.includes(code) || code.startsWith("08") || UNAVAILABLE_SQLITE.some((c) => code === c || code.startsWith(`${c}_`));
  }
  return error instanceof Error && PG_CONNECTION_LOST.test(error.message);
}

/** Wraps a route handler: every error goes through errorResponse, every call to the access log and the duration histogram. */
export function handle<A extends unknown[]>(
  fn: (request: Request, ...rest: A) => Promise<Response>,
): (request: Request, ...rest: A) => Promise<Response> {
  return async (request: Request, ...rest: A) => {
    const started = performance.now();
    let response: Response;
    try {
      response = await fn(request, ...rest);
    } catch (error) {
      response = errorResponse(error);
    }
    recordAccess(request, response.status);
    void observeRequest(request, rest[0], response.status, (performance.now() - started) / 1000);
    return response;
  };
}
