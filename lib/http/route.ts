/**
 * The one route wrapper (after dub's `withWorkspace`). Every `route.ts` under `app/` exports
 * its handlers through `orgRoute`, `accountRoute` or `publicRoute`; a test fails when one does
 * not (tests/unit/http/routes-use-wrapper.test.ts). A route declares:
 *
 * - who may call it: nobody signed in (`publicRoute`), any signed-in account (`accountRoute`),
 *   or an account with a role in the organization (`orgRoute` with `role: "admin" | "reader"`,
 *   the organization taken from `org=SLUG`, else the account's default);
 * - its query parameters and body as zod schemas (400 naming the field otherwise);
 * - its body limit, enforced while the body is read (413 as soon as it is passed);
 * - the same-origin check, which is not optional: every method but GET and HEAD refuses a
 *   cross-site browser request (CSRF), whatever the route says.
 *
 * Errors leave through the one error table (lib/http/errors.ts); every call goes to the
 * access log and the request-duration histogram.
 */
import { z } from "zod";
import { getStore, type Store } from "../db/client";
import { authenticate, requireOrgRole, type AuthOptions, type OrgContext, type RoleNeed } from "../auth/authorize";
import type { Account } from "../auth/accounts";
import { env } from "../env";
import { requireSameOrigin } from "../web/same-origin";
import { readBodyText, requestChunks } from "./body";
import { encodedRoute } from "./encoded-response";
import { handle } from "./error-response";
import { badRequest, HttpError, zodMessage } from "./errors";

/** Small JSON bodies (settings, sign-in): 16 KiB unless a route says otherwise. */
export const SMALL_BODY_BYTES = 16 * 1024;

type Params = Record<string, string | string[] | undefined>;
/** What Next.js passes a route handler beside the request. */
export interface RouteContext {
  params: Promise<Params>;
}
type Handler = (request: Request, context?: RouteContext) => Promise<Response>;

/** How the body is read. `json` (optionally a no-JS form post too) and `text` are read whole; `stream` is handed over as chunks. */
export type BodySpec<B extends z.ZodType> =
  { kind: "json"; schema: B; limit?: number; acceptForm?: boolean } | { kind: "text"; limit?: number } | { kind: "stream"; limit?: number };

interface CommonSpec<Q extends z.ZodType, B extends z.ZodType> {
  /** The query parameters (without `org`, which the wrapper reads for organization routes). */
  query?: Q;
  body?: BodySpec<B>;
  /** Answer a request without credentials with a Basic challenge (machine APIs, SPEC §5). */
  basicChallenge?: boolean;
  /** A browser flow: without a session the caller is sent to the sign-in page, back to `signInNext` after. */
  signInNext?: string;
  /** Bytes already compressed by the handler (lib/http/precompressed.ts). */
  encoded?: boolean;
}

type BodyValue<B extends z.ZodType, S> = S extends { kind: "json" }
  ? z.output<B>
  : S extends { kind: "text" }
    ? string
    : S extends { kind: "stream" }
      ? AsyncIterable<Uint8Array>
      : undefined;

export interface BaseContext<Q, BV> {
  request: Request;
  params: Params;
  query: Q;
  body: BV;
  /** True when a `json` body came as a form post (`acceptForm`). */
  isForm: boolean;
}

export interface OrgRouteContext<Q, BV> extends BaseContext<Q, BV>, OrgContext {}
export interface AccountRouteContext<Q, BV> extends BaseContext<Q, BV> {
  store: Store;
  account: Account;
}

const WRAPPED = Symbol.for("orgtrail.route");

/** A handler built by this module (the wrapper test checks every exported handler carries it). */
export function isWrappedRoute(fn: unknown): boolean {
  return typeof fn === "function" && (fn as unknown as Record<symbol, unknown>)[WRAPPED] === true;
}

function parseQuery<Q extends z.ZodType>(request: Request, schema: Q | undefined, skip: string[]): z.output<Q> {
  const raw: Record<string, string> = {};
  for (const [key, value] of new URL(request.url).searchParams) {
    if (skip.includes(key)) continue;
    if (key in raw) throw badRequest(`parameter ${key} is given more than once`);
    raw[key] = value;
  }
  if (!schema) return raw as z.output<Q>;
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw badRequest(zodMessage(parsed.error, "query"));
  return parsed.data;
}

async function readBody<B extends z.ZodType>(request: Request, spec: BodySpec<B> | undefined): Promise<{ body: unknown; isForm: boolean }> {
  if (!spec) return { body: undefined, isForm: false };
  if (spec.kind === "stream") return { body: requestChunks(request, spec.limit ?? env().ORGTRAIL_MAX_BODY_BYTES), isForm: false };
  if (spec.kind === "text") return { body: await readBodyText(request, spec.limit ?? env().ORGTRAIL_MAX_BODY_BYTES), isForm: false };
  const type = (request.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  const isForm = spec.acceptForm === true && type === "application/x-www-form-urlencoded";
  const text = await readBodyText(request, spec.limit ?? SMALL_BODY_BYTES);
  let raw: unknown;
  if (isForm) raw = Object.fromEntries(new URLSearchParams(text));
  else {
    try {
      raw = JSON.parse(text);
    } catch {
      throw badRequest("body: expected JSON");
    }
  }
  const parsed = spec.schema.safeParse(raw);
  if (!parsed.success) throw badRequest(zodMessage(parsed.error, "body"));
  return { body: parsed.data, isForm };
}

const READS = new Set(["GET", "HEAD"]);

function build(run: (request: Request, params: Params) => Promise<Response>, spec: { encoded?: boolean; signInNext?: string }): Handler {
  const inner = async (request: Request, context?: RouteContext) => {
    // CSRF: not a route's choice. Checked before anything is read or authenticated.
    if (!READS.has(request.method)) requireSameOrigin(request);
    const params = (await context?.params) ?? {};
    try {
      return await run(request, params);
    } catch (error) {
      if (spec.signInNext !== undefined && error instanceof HttpError && error.status === 401) {
        return new Response(null, { status: 303, headers: { location: `/signin?next=${encodeURIComponent(spec.signInNext)}`, "cache-control": "no-store" } });
      }
      throw error;
    }
  };
  const wrapped: Handler = spec.encoded ? (encodedRoute(handle(inner)) as Handler) : handle(inner);
  (wrapped as unknown as Record<symbol, unknown>)[WRAPPED] = true;
  return wrapped;
}

/** A route of one organization: authenticated, the organization resolved, the role checked. */
export function orgRoute<
  Q extends z.ZodType = z.ZodType<Record<string, string>>,
  B extends z.ZodType = z.ZodNever,
  S extends BodySpec<B> | undefined = undefined,
>(spec: CommonSpec<Q, B> & { role: RoleNeed; body?: S }, handler: (ctx: OrgRouteContext<z.output<Q>, BodyValue<B, S>>) => Promise<Response>): Handler {
  const auth: AuthOptions = { basicChallenge: spec.basicChallenge };
  return build(async (request, params) => {
    const query = parseQuery(request, spec.query, ["org"]);
    const org = await requireOrgRole(request, spec.role, auth);
    const { body, isForm } = await readBody(request, spec.body);
    return handler({ ...org, request, params, query, body: body as BodyValue<B, S>, isForm });
  }, spec);
}

/** A route for any signed-in account, whatever its organizations (e.g. its own sessions). */
export function accountRoute<
  Q extends z.ZodType = z.ZodType<Record<string, string>>,
  B extends z.ZodType = z.ZodNever,
  S extends BodySpec<B> | undefined = undefined,
>(spec: CommonSpec<Q, B> & { body?: S }, handler: (ctx: AccountRouteContext<z.output<Q>, BodyValue<B, S>>) => Promise<Response>): Handler {
  return build(async (request, params) => {
    const query = parseQuery(request, spec.query, []);
    const store = await getStore();
    const account = await authenticate(request, store.db, { basicChallenge: spec.basicChallenge });
    const { body, isForm } = await readBody(request, spec.body);
    return handler({ store, account, request, params, query, body: body as BodyValue<B, S>, isForm });
  }, spec);
}

/** A route anyone may call (health, sign-in, SSO callbacks, metrics behind their own token). */
export function publicRoute<
  Q extends z.ZodType = z.ZodType<Record<string, string>>,
  B extends z.ZodType = z.ZodNever,
  S extends BodySpec<B> | undefined = undefined,
>(spec: CommonSpec<Q, B> & { body?: S }, handler: (ctx: BaseContext<z.output<Q>, BodyValue<B, S>>) => Promise<Response>): Handler {
  return build(async (request, params) => {
    const query = parseQuery(request, spec.query, []);
    const { body, isForm } = await readBody(request, spec.body);
    return handler({ request, params, query, body: body as BodyValue<B, S>, isForm });
  }, spec);
}
