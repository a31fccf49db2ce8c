/**
 * The errors a route throws and the one error table. Pure (no metrics, no access log, no
 * store): modules of rules (lib/activity, lib/explorer) throw a 400 from here without reaching
 * I/O. Turning an error into a response, with the access log and the request histogram, is
 * lib/http/error-response.ts, called by the one route wrapper (lib/http/route.ts).
 */
import type { z } from "zod";

/**
 * The one error table: every code a route may answer with, and its status. A route throws
 * `apiError(code, message)` (or one of the shorthands below); `errorResponse` (lib/http/error-response.ts) turns it into
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

export const apiError = (code: ErrorCode, message: string, headers: Record<string, string> = {}) => new HttpError(ERROR_STATUS[code], code, message, headers);

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
