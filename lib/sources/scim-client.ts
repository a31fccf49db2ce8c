/**
 * Reads a SCIM 2.0 service provider's `/Users` and `/Groups` listings whole (RFC 7644 §3.4.2:
 * `startIndex` from 1, `count` per page, until `totalResults`), with the platform's Basic auth
 * (`username:API-KEY`; a service account sends `:API-KEY`), timeouts and retries as the
 * upstream pull has them (lib/sources/upstream-http.ts).
 *
 * Every failure is a ScimSyncError naming the URL that failed; nothing is returned until every
 * page of both listings is in, so a caller never applies part of a directory.
 */
import { BlockedUrlError, checkOperatorUrl, operatorFetch } from "../net/outbound";
import {
  basicAuth,
  checkStatus,
  readBodyText,
  RetryableError,
  UpstreamAuthError,
  UpstreamError,
  withRetry,
  type RetryNotice,
  type RetryPolicy,
} from "./upstream-http";

export const SCIM_LIST_RESPONSE = "urn:ietf:params:scim:api:messages:2.0:ListResponse";

export type ScimResourceKind = "Users" | "Groups";

export class ScimSyncError extends Error {
  constructor(
    readonly url: string,
    detail: string,
    readonly status: number | null = null,
  ) {
    super(`${url}: ${detail}`);
  }
}

/** A 404 at the first page: not retried (an UpstreamError), reported as such. */
class NoScimApiError extends UpstreamError {}

export interface ScimFetchOptions {
  /** The platform's base URL (`https://wandb.example.com`), or its `/scim` endpoint. */
  url: string;
  /** Empty for a service account (`:API-KEY`). */
  username: string;
  apiKey: string;
  /** Resources asked for per page (`count`); the server may answer fewer. */
  pageSize: number;
  retry: RetryPolicy;
  signal?: AbortSignal;
  onPage?(kind: ScimResourceKind, fetched: number, total: number): void;
  onRetry?(url: string, n: RetryNotice): void;
}

/** `{base}/scim/Users` for a base URL with or without the trailing `/scim`. */
export function scimEndpoint(base: string, kind: ScimResourceKind): URL {
  const url = new URL(base);
  url.search = "";
  url.hash = "";
  const path = url.pathname.replace(/\/+$/, "");
  url.pathname = /\/scim$/i.test(path) ? `${path}/${kind}` : `${path}/scim/${kind}`;
  return url;
}

interface Page {
  resources: unknown[];
  totalResults: number;
  startIndex: number | null;
}

/** A ListResponse page, or a string saying what is wrong with it. */
export function readListPage(text: string): Page | string {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return "the answer is not JSON";
  }
  if (doc === null || typeof doc !== "object" || Array.isArray(doc)) return "the answer is not a SCIM ListResponse";
  const get = (name: string) => {
    const key = Object.keys(doc).find((k) => k.toLowerCase() === name.toLowerCase());
    return key === undefined ? undefined : (doc as Record<string, unknown>)[key];
  };
  const schemas = get("schemas");
  if (Array.isArray(schemas) && !schemas.includes(SCIM_LIST_RESPONSE))
    return `the answer is not a SCIM ListResponse (schemas ${JSON.stringify(schemas).slice(0, 120)})`;
  const total = get("totalResults");
  if (typeof total !== "number" || !Number.isSafeInteger(total) || total < 0) return "totalResults: missing or not a whole number";
  const resources = get("Resources") ?? [];
  if (!Array.isArray(resources)) return "Resources: not an array";
  const start = get("startIndex");
  return { resources, totalResults: total, startIndex: typeof start === "number" && Number.isSafeInteger(start) ? start : null };
}

/** Every resource of one listing, page after page; throws ScimSyncError on any failure. */
export async function fetchScimListing(kind: ScimResourceKind, o: ScimFetchOptions): Promise<unknown[]> {
  const endpoint = scimEndpoint(o.url, kind);
  const auth = basicAuth(o.username, o.apiKey);
  const all: unknown[] = [];
  const seenIds = new Set<string>();
  let startIndex = 1;
  for (let pages = 0; ; pages++) {
    const url = new URL(endpoint);
    url.searchParams.set("startIndex", String(startIndex));
    url.searchParams.set("count", String(o.pageSize));
    const shown = url.toString();
    if (pages > 1_000_000) throw new ScimSyncError(shown, "more than a million pages; stopping");
    let text: string;
    try {
      text = await withRetry(
        o.retry,
        async (watchdog) => {
          // The operator chose this URL: private and loopback addresses are fine, metadata ones
          // are not (checked at each connection); a redirect is an error, not followed.
          const response = await operatorFetch(url, {
            headers: { Authorization: auth, Accept: "application/scim+json, application/json" },
            signal: watchdog.signal,
          });
          watchdog.touch();
          if (response.status === 404 && startIndex === 1) {
            await response.body?.cancel().catch(() => {});
            throw new NoScimApiError("answered 404 Not Found: no SCIM API at this URL (is it the platform's base URL?)");
          }
          await checkStatus(response);
          return readBodyText(response, watchdog).catch((error: unknown) => {
            throw error instanceof TypeError ? new RetryableError("the answer is not valid UTF-8") : error;
          });
        },
        { signal: o.signal, onRetry: (n) => o.onRetry?.(shown, n) },
      );
    } catch (error) {
      if (error instanceof NoScimApiError) throw new ScimSyncError(shown, error.message, 404);
      if (error instanceof UpstreamAuthError) throw new ScimSyncError(shown, error.message, error.status);
      if (error instanceof UpstreamError) throw new ScimSyncError(shown, error.message);
      throw error;
    }
    const page = readListPage(text);
    if (typeof page === "string") throw new ScimSyncError(shown, page);
    if (page.startIndex !== null && page.startIndex !== startIndex)
      throw new ScimSyncError(shown, `answered startIndex ${page.startIndex} for startIndex ${startIndex}: the server does not page as SCIM does`);
    for (const r of page.resources) {
      const id = r !== null && typeof r === "object" ? (r as Record<string, unknown>).id : undefined;
      if (typeof id === "string" || typeof id === "number") {
        if (seenIds.has(String(id)))
          throw new ScimSyncError(shown, `resource ${JSON.stringify(String(id))} came twice: the listing changed or the server ignores startIndex`);
        seenIds.add(String(id));
      }
      all.push(r);
    }
    o.onPage?.(kind, all.length, page.totalResults);
    startIndex += page.resources.length;
    if (startIndex > page.totalResults) return all;
    if (page.resources.length === 0)
      throw new ScimSyncError(shown, `answered no resources at startIndex ${startIndex} although totalResults is ${page.totalResults}`);
  }
}

export interface ScimDirectory {
  users: unknown[];
  groups: unknown[];
}

/** Users, then groups, each whole. The URL is the operator's (lib/net/outbound.ts): checked early for a clear error. */
export async function fetchScimDirectory(o: ScimFetchOptions): Promise<ScimDirectory> {
  const first = scimEndpoint(o.url, "Users");
  try {
    await checkOperatorUrl(first);
  } catch (error) {
    if (error instanceof BlockedUrlError) throw new ScimSyncError(first.toString(), error.message);
    throw error;
  }
  const users = await fetchScimListing("Users", o);
  const groups = await fetchScimListing("Groups", o);
  return { users, groups };
}
