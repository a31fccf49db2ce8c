// errorResponse: the store being unavailable (PostgreSQL gone, SQLite full, locked or
// unwritable) is a 503 with Retry-After and a generic message; anything else stays a 500.
// docs/RELIABILITY.md, "Faults".
import { afterEach, describe, expect, it, vi } from "vitest";
import { errorResponse } from "@/lib/http/error-response";

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

describe("errorResponse for an unavailable store", () => {
  afterEach(() => vi.restoreAllMocks());

  it.each([
    ["PostgreSQL refused", withCode("connect ECONNREFUSED 10.1.2.3:5432", "ECONNREFUSED")],
    ["PostgreSQL shutting down", withCode("terminating connection due to administrator command", "57P01")],
    ["pg: connection lost mid-query", new Error("Connection terminated unexpectedly")],
    ["pg: connect timeout", new Error("timeout exceeded when trying to connect")],
    ["SQLite disk full", withCode("database or disk is full", "SQLITE_FULL")],
    ["SQLite I/O error (extended code)", withCode("disk I/O error", "SQLITE_IOERR_WRITE")],
    ["SQLite locked past every retry", withCode("database is locked", "SQLITE_BUSY")],
    ["SQLite stale snapshot", withCode("database is locked", "SQLITE_BUSY_SNAPSHOT")],
    ["SQLite read-only", withCode("attempt to write a readonly database", "SQLITE_READONLY_DIRECTORY")],
    ["SQLite cannot open", withCode("unable to open database file", "SQLITE_CANTOPEN")],
  ])("%s → 503, Retry-After, generic message", async (_name, error) => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const response = errorResponse(error);
    expect(response.status).toBe(503);
    expect(response.headers.get("Retry-After")).toMatch(/^\d+$/);
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({ error: { code: "unavailable", message: "the store is unavailable, try again later" } });
    expect(text).not.toContain(error.message);
  });

  it.each([
    ["a bug", new TypeError("cannot read properties of undefined")],
    ["a constraint", withCode('duplicate key value violates unique constraint "users_org_email"', "23505")],
    ["SQLite constraint", withCode("UNIQUE constraint failed: users.email", "SQLITE_CONSTRAINT_UNIQUE")],
  ])("%s stays a 500 without details", async (_name, error) => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const response = errorResponse(error);
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({ error: { code: "internal", message: "internal error" } });
  });
});
