// Every outbound HTTP request of orgtrail goes through here (docs/SECURITY.md "Outbound requests").
//
//   operatorFetch(url, init)   a URL the operator configured: ORGTRAIL_UPSTREAM_URL, `pull --url`,
//                              `sync-directory --url`, ORGTRAIL_SLACK_API_URL, an OIDC issuer...
//                              Loopback and private addresses are fine; link-local and cloud
//                              metadata addresses are refused.
//   untrustedFetch(url, init)  a URL anyone else supplied: a Slack answer, an organization
//                              admin's input. Public addresses only.
//   operatorAgents()           http(s) agents with the operator rule, for SDK clients (S3).
//   checkOperatorUrl / checkUntrustedUrl   the same checks without a request (early, clear errors).
//
// ORGTRAIL_ALLOWED_HOSTS lets a named host through either rule. The rule is applied inside the
// connection's own DNS lookup: the addresses checked are the addresses connected to, so a name
// that resolves to a public address when checked and to 127.0.0.1 a moment later (DNS
// rebinding) cannot slip through. Redirects are refused, or followed only on request, each hop
// checked again.
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from "node:dns";
import http from "node:http";
import https from "node:https";
import { isIP } from "node:net";
import { Readable } from "node:stream";
import { env } from "../env";
import { allowedHosts, BlockedUrlError, hostKey, isRefusedAddress, parseOutboundUrl, refusalMessage, type UrlTrust } from "./ssrf";

export { BlockedUrlError, type UrlTrust } from "./ssrf";

/** Resolves a host name to its addresses (tests inject one; default: the system resolver). */
export type Resolver = (host: string) => Promise<string[]>;

export interface OutboundOptions {
  /** Hosts let through whatever they resolve to (default: ORGTRAIL_ALLOWED_HOSTS). */
  allow?: ReadonlySet<string>;
  /** Replaces the system resolver (tests). */
  resolve?: Resolver;
  /**
   * A 3xx answer: an error (default); followed up to `maxRedirects` hops, each checked again; or
   * handed back as it is ("manual", for clients that judge redirects themselves, as openid-client).
   */
  redirect?: "error" | "follow" | "manual";
  maxRedirects?: number;
}

export interface OutboundInit {
  method?: string;
  headers?: HeadersInit;
  body?: string | Uint8Array | URLSearchParams | null;
  signal?: AbortSignal;
}

const allowFromEnv = (): ReadonlySet<string> => allowedHosts(env().ORGTRAIL_ALLOWED_HOSTS);

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;
type Lookup = (hostname: string, options: LookupOptions, callback: LookupCallback) => void;

async function systemResolve(host: string, family: number | undefined): Promise<LookupAddress[]> {
  return new Promise((resolve, reject) => {
    dnsLookup(host, { all: true, verbatim: true, family: family ?? 0 }, (error, addresses) => (error ? reject(error) : resolve(addresses)));
  });
}

/**
 * The addresses a connection to `hostname` may use: resolved once, every one checked against the
 * rule (one refused address refuses the name), and only those handed to the socket.
 */
async function checkedAddresses(
  trust: UrlTrust,
  hostname: string,
  allow: ReadonlySet<string>,
  resolve: Resolver | undefined,
  family?: number,
): Promise<LookupAddress[]> {
  const key = hostKey(hostname);
  const found = resolve ? (await resolve(key)).map((address) => ({ address, family: isIP(address) })) : await systemResolve(hostname, family);
  const addresses = found.filter((a) => a.family === 4 || a.family === 6).filter((a) => !family || a.family === family);
  if (addresses.length === 0) throw Object.assign(new Error(`cannot resolve ${key}`), { code: "ENOTFOUND" });
  if (!allow.has(key)) {
    const bad = addresses.find((a) => isRefusedAddress(trust, a.address));
    if (bad) throw new BlockedUrlError(refusalMessage(trust, key, bad.address));
  }
  return addresses;
}

/** A socket `lookup` applying the rule: the connection goes to an address that was checked, and no other. */
function guardedLookup(trust: UrlTrust, allow: () => ReadonlySet<string>, resolve: Resolver | undefined): Lookup {
  return (hostname, options, callback) => {
    const family = typeof options.family === "number" && options.family !== 0 ? options.family : undefined;
    checkedAddresses(trust, hostname, allow(), resolve, family).then(
      (addresses) => (options.all ? callback(null, addresses) : callback(null, addresses[0]!.address, addresses[0]!.family)),
      (error: NodeJS.ErrnoException) => callback(error, options.all ? [] : ""),
    );
  };
}

/** An address written in the URL is connected to without a lookup: checked here instead. */
function checkLiteral(trust: UrlTrust, url: URL, allow: ReadonlySet<string>): void {
  const key = hostKey(url.hostname);
  if (isIP(key) && !allow.has(key) && isRefusedAddress(trust, key)) throw new BlockedUrlError(refusalMessage(trust, key, key));
}

interface AgentPair {
  httpAgent: http.Agent;
  httpsAgent: https.Agent;
}

function makeAgents(trust: UrlTrust, options: OutboundOptions, keepAlive: boolean): AgentPair {
  const allow = options.allow ? () => options.allow! : allowFromEnv;
  const lookup = guardedLookup(trust, allow, options.resolve);
  // Passed through to net.connect / tls.connect: every connection these agents open uses it.
  const agentOptions = { keepAlive, maxSockets: 50, lookup } as http.AgentOptions;
  return { httpAgent: new http.Agent(agentOptions), httpsAgent: new https.Agent(agentOptions) };
}

// One pool per rule, so a connection opened under the operator rule never serves an untrusted URL.
const shared: Partial<Record<UrlTrust, AgentPair>> = {};

function agentsFor(trust: UrlTrust, options: OutboundOptions): AgentPair {
  if (options.allow || options.resolve) return makeAgents(trust, options, false);
  return (shared[trust] ??= makeAgents(trust, {}, true));
}

/**
 * http(s) agents applying the operator rule, for clients that take agents (the AWS SDK's
 * NodeHttpHandler). A new pair per call: such clients destroy their agents when closed.
 */
export function operatorAgents(options: Pick<OutboundOptions, "allow" | "resolve"> = {}): AgentPair {
  return makeAgents("operator", options, true);
}

async function checkUrl(trust: UrlTrust, raw: string | URL, options: OutboundOptions): Promise<URL> {
  const url = parseOutboundUrl(raw);
  const allow = options.allow ?? allowFromEnv();
  checkLiteral(trust, url, allow);
  if (!isIP(hostKey(url.hostname))) {
    try {
      await checkedAddresses(trust, url.hostname, allow, options.resolve);
    } catch (error) {
      if (error instanceof BlockedUrlError) throw error;
      throw new BlockedUrlError(`cannot resolve ${hostKey(url.hostname)}`);
    }
  }
  return url;
}

/** Checks an operator-configured URL without sending anything (the request checks again, at connect time). */
export function checkOperatorUrl(raw: string | URL, options: OutboundOptions = {}): Promise<URL> {
  return checkUrl("operator", raw, options);
}

/** Checks an untrusted URL without sending anything (the request checks again, at connect time). */
export function checkUntrustedUrl(raw: string | URL, options: OutboundOptions = {}): Promise<URL> {
  return checkUrl("untrusted", raw, options);
}

const NULL_BODY = new Set([101, 103, 204, 205, 304]);

function bodyBytes(body: OutboundInit["body"]): Buffer | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === "string") return Buffer.from(body, "utf8");
  if (body instanceof URLSearchParams) return Buffer.from(body.toString(), "utf8");
  return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
}

/** One request, no redirects: the answer as a WHATWG Response whose body streams from the socket. */
function send(url: URL, method: string, headers: Headers, body: Buffer | undefined, signal: AbortSignal | undefined, agents: AgentPair): Promise<Response> {
  return new Promise<Response>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const outgoing: Record<string, string> = {};
    headers.forEach((value, name) => (outgoing[name] = value));
    if (body !== undefined) outgoing["content-length"] = String(body.length);
    const secure = url.protocol === "https:";
    let response: http.IncomingMessage | undefined;
    const abortError = () => (signal?.reason instanceof Error ? signal.reason : new Error("aborted", { cause: signal?.reason }));
    const onAbort = () => {
      const error = abortError();
      if (response) response.destroy(error);
      request.destroy(error);
    };
    const request = (secure ? https : http).request(url, { method, headers: outgoing, agent: secure ? agents.httpsAgent : agents.httpAgent }, (res) => {
      response = res;
      res.once("close", () => signal?.removeEventListener("abort", onAbort));
      const answer = new Headers();
      for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) {
        try {
          answer.append(res.rawHeaders[i]!, res.rawHeaders[i + 1]!);
        } catch {
          // a header value a WHATWG Headers cannot hold: left out
        }
      }
      const status = res.statusCode ?? 502;
      const empty = NULL_BODY.has(status) || method === "HEAD";
      if (empty) res.resume();
      const stream = empty ? null : (Readable.toWeb(res) as ReadableStream<Uint8Array>);
      resolve(new Response(stream, { status: status < 200 || status > 599 ? 502 : status, statusText: res.statusMessage ?? "", headers: answer }));
    });
    signal?.addEventListener("abort", onAbort, { once: true });
    request.once("error", (error) => {
      signal?.removeEventListener("abort", onAbort);
      reject(error);
    });
    request.end(body);
  });
}

async function guardedFetch(trust: UrlTrust, raw: string | URL, init: OutboundInit, options: OutboundOptions): Promise<Response> {
  let url = parseOutboundUrl(raw);
  const allow = options.allow ?? allowFromEnv();
  const agents = agentsFor(trust, options);
  let method = (init.method ?? "GET").toUpperCase();
  const headers = new Headers(init.headers);
  if (!headers.has("user-agent")) headers.set("user-agent", "orgtrail");
  if (!headers.has("accept")) headers.set("accept", "*/*");
  let body = bodyBytes(init.body);
  if (init.body instanceof URLSearchParams && !headers.has("content-type")) headers.set("content-type", "application/x-www-form-urlencoded;charset=UTF-8");
  for (let hop = 0; ; hop++) {
    checkLiteral(trust, url, allow);
    const response = await send(url, method, headers, body, init.signal, agents);
    const location = response.status >= 300 && response.status < 400 ? response.headers.get("location") : null;
    if (location === null || options.redirect === "manual") return response;
    await response.body?.cancel().catch(() => {});
    if (options.redirect !== "follow") throw new BlockedUrlError(`${url.origin} answered a redirect (HTTP ${response.status}), which is not followed`);
    if (hop >= (options.maxRedirects ?? 3)) throw new BlockedUrlError(`too many redirects from ${url.origin}`);
    const next = parseOutboundUrl(new URL(location, url));
    if (next.origin !== url.origin) {
      headers.delete("authorization");
      headers.delete("cookie");
    }
    if (response.status === 303 || ((response.status === 301 || response.status === 302) && method === "POST")) {
      method = "GET";
      body = undefined;
      headers.delete("content-type");
    }
    url = next;
  }
}

/** fetch() for a URL the operator configured: loopback and private addresses allowed, metadata refused. */
export function operatorFetch(url: string | URL, init: OutboundInit = {}, options: OutboundOptions = {}): Promise<Response> {
  return guardedFetch("operator", url, init, options);
}

/** fetch() for a URL anyone else supplied: public addresses only (or hosts in ORGTRAIL_ALLOWED_HOSTS). */
export function untrustedFetch(url: string | URL, init: OutboundInit = {}, options: OutboundOptions = {}): Promise<Response> {
  return guardedFetch("untrusted", url, init, options);
}
