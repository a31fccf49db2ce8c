// The response side of the one error table (lib/http/errors.ts): every error a route throws
// leaves through errorResponse; handle() wraps a handler with it, the access log and the
// request-duration histogram. Kept apart from the table so pure modules can throw without
// importing metrics or the access log (tests/unit/lib-imports.test.ts).
import { observeRequest } from "../metrics/http-metrics";
import { recordAccess } from "../auth/access-log";
import { describeError } from "../text/escape-control";
import { apiError, HttpError } from "./errors";
/** Maps anything thrown in a route to a response; unexpected errors never leak a stack trace. */
export function errorResponse(error: unknown): Response {
  if (error instanceof HttpError) {
    return Response.json({ error: { code: error.code, message: error.message } }, { status: error.status, headers: error.headers });
  }
  if (isStoreUnavailable(error)) {
    console.error(`orgtrail: store unavailable: ${describeError(error)}`);
    return errorResponse(apiError("unavailable", "the store is unavailable, try again later", { "Retry-After": "5" }));
  }
  console.error(`orgtrail: unexpected error: ${describeError(error)}`);
  return errorResponse(apiError("internal", "internal error"));
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

/**
 * Error mapping, the access log and the duration histogram around a handler. Routes do not
 * call this themselves: lib/http/route.ts does, for every route.
 */
export function handle<A extends unknown[]>(fn: (request: Request, ...rest: A) => Promise<Response>): (request: Request, ...rest: A) => Promise<Response> {
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
