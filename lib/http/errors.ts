import type { z } from "zod";
import { observeRequest } from "../metrics/http-metrics";
import { recordAccess } from "../auth/access-log";
import { describeError } from "../text/escape-control";

/**
 * The one error table: every code a route may answer with, and its status. A route throws
 * `apiError(code, message)` (or one of the shorthands below); `errorResponse` turns it into
 * `{"error":{"code","message"}}` with the table's status.
 */
export const ERROR_STATUS = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  not_connected: 409,
  integrity_failed: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unsupported_encoding: 415,
  too_many_requests: 429,
  internal: 500,
  unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

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

export const apiError = (code: ErrorCode, message: string, headers: Record<string, string> = {}) =>
  new HttpError(ERROR_STATUS[code], code, message, headers);

export const badRequest = (message: string) => apiError("bad_request", message);
export const unauthorized = (message = "authentication required") =>
  apiError("unauthorized", message, { "WWW-Authenticate": 'Basic realm="orgtrail", charset="UTF-8"' });
export const forbidden = (message = "organization admin role required") => apiError("forbidden", message);
export const notFound = (message = "not found") => apiError("not_found", message);
export const tooManyRequests = (retryAfterSeconds: number) =>
  apiError("too_many_requests", `too many failed attempts; retry in ${retryAfterSeconds} s`, { "Retry-After": String(retryAfterSeconds) });
export const payloadTooLarge = (message: string) => apiError("payload_too_large", message);

/**
 * zod issues as one message, the same way everywhere: `field: message; field: message`
 * (`what` names the input when an issue has no path, e.g. "body").
 */
export function zodMessage(error: z.ZodError, what = "body"): string {
  return error.issues
    .map((i) => {
      const name = i.path.map(String).join(".");
      if (!name) return i.message.startsWith(what) ? i.message : `${what}: ${i.message}`;
      return i.message.startsWith(name) ? i.message : `${name}: ${i.message}`;
    })
    .join("; ");
}

/** Maps anything thrown in a route to a response; unexpected errors never leak a stack trace. */
export function errorResponse(error: unknown): Response {
  if (error instanceof HttpError) {
    return Response.json(
      { error: { code: error.code, message: error.message } },
      { status: error.status, headers: error.headers },
    );
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
