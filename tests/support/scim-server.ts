// A SCIM 2.0 service provider on 127.0.0.1 for the directory-sync tests: SCIMMY does the
// protocol (ListResponse, startIndex / count paging, totalResults, resource schemas), and this
// small HTTP front adds Basic auth (401 wrong key, 403 a non-admin key) and the W&B platform's
// own shape of a User where a fixture asks for it (one `emails` object with `Value`,
// `organizationRole`, `teamRoles`). Failures can be injected at any page.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import SCIMMY from "scimmy";

export interface ScimFixtureUser {
  id: string;
  userName: string;
  displayName: string;
  email: string;
  /** `array`: RFC 7643 `emails: [{value, primary}]`; `wandb`: the platform's `emails: {Value, Display, Type, Primary}`. */
  emailForm: "array" | "wandb";
  active: boolean;
  /** RFC3339. */
  created: string;
  role: string;
  /** W&B `teamRoles` (only on `wandb` users). */
  teamRoles?: { teamName: string; roleName: string }[];
}

export interface ScimFixtureGroup {
  id: string;
  displayName: string;
  members: string[];
}

export interface ScimServerOptions {
  users: ScimFixtureUser[];
  groups: ScimFixtureGroup[];
  /** Credentials of an organization admin (username "" for a service account). */
  admins: { username: string; apiKey: string }[];
  /** Valid credentials without the admin role: 403. */
  nonAdmins?: { username: string; apiKey: string }[];
  /** Most resources the server answers per page, whatever `count` asks. */
  maxPageSize: number;
}

export interface ScimServer {
  baseUrl: string;
  /** Path and query of every request, in order. */
  requests: string[];
  /** Authorization headers seen, in order. */
  authorizations: string[];
  users: ScimFixtureUser[];
  groups: ScimFixtureGroup[];
  /** Answer this status (once per matching request) for `/scim/{kind}` at this startIndex. */
  failAt: { kind: "Users" | "Groups"; startIndex: number; status: number } | null;
  close(): Promise<void>;
}

function decodeBasic(header: string | undefined): { username: string; apiKey: string } | null {
  const m = /^Basic\s+(\S+)$/i.exec(header ?? "");
  if (!m) return null;
  const text = Buffer.from(m[1]!, "base64").toString("utf8");
  const i = text.indexOf(":");
  return i < 0 ? null : { username: text.slice(0, i), apiKey: text.slice(i + 1) };
}

function scimError(res: ServerResponse, status: number, detail: string, extra: Record<string, string> = {}) {
  res.writeHead(status, { "content-type": "application/scim+json", ...extra });
  res.end(JSON.stringify({ schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"], status: String(status), detail }));
}

export async function startScimServer(options: ScimServerOptions): Promise<ScimServer> {
  const state: ScimServer = {
    baseUrl: "",
    requests: [],
    authorizations: [],
    users: options.users,
    groups: options.groups,
    failAt: null,
    close: async () => {},
  };

  // SCIMMY's egress handlers: the fixtures in RFC 7643 form; SCIMMY filters, sorts and pages.
  SCIMMY.Resources.declare(SCIMMY.Resources.User).egress(() =>
    state.users.map((u) => ({
      id: u.id,
      userName: u.userName,
      displayName: u.displayName,
      active: u.active,
      emails: [{ value: u.email, primary: true }],
      roles: [{ value: u.role, primary: true }],
      meta: { created: new Date(u.created), lastModified: new Date(u.created) },
    })),
  );
  SCIMMY.Resources.declare(SCIMMY.Resources.Group).egress(() =>
    state.groups.map((g) => ({ id: g.id, displayName: g.displayName, members: g.members.map((value) => ({ value })) })),
  );

  /** The platform's shape for `wandb` fixtures: its emails object, organizationRole, teamRoles. */
  const platformShape = (resource: Record<string, unknown>) => {
    const fixture = state.users.find((u) => u.id === resource.id);
    if (!fixture || fixture.emailForm !== "wandb") return resource;
    const { roles: _roles, ...rest } = resource;
    return {
      ...rest,
      emails: { Value: fixture.email, Display: "", Type: "", Primary: true },
      organizationRole: fixture.role,
      ...(fixture.teamRoles ? { teamRoles: fixture.teamRoles } : {}),
    };
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    state.requests.push(`${url.pathname}${url.search}`);
    state.authorizations.push(req.headers.authorization ?? "");
    // The audit-log API of the same platform, empty: the server's upstream pull finds nothing.
    if (url.pathname === "/admin/audit_logs") {
      res.writeHead(200, { "content-type": "application/x-ndjson" });
      return res.end();
    }
    const m = /^\/scim\/(Users|Groups)$/.exec(url.pathname);
    if (!m || req.method !== "GET") return scimError(res, 404, "not found");
    const creds = decodeBasic(req.headers.authorization);
    const is = (list: { username: string; apiKey: string }[] = []) =>
      creds !== null && list.some((c) => c.username === creds.username && c.apiKey === creds.apiKey);
    if (!is(options.admins)) {
      if (is(options.nonAdmins)) return scimError(res, 403, "the account is not an organization admin");
      return scimError(res, 401, "invalid credentials", { "www-authenticate": 'Basic realm="scim"' });
    }
    const kind = m[1] as "Users" | "Groups";
    const startIndex = Number(url.searchParams.get("startIndex") ?? "1");
    const count = Math.min(Number(url.searchParams.get("count") ?? String(options.maxPageSize)), options.maxPageSize);
    const fail = state.failAt;
    if (fail && fail.kind === kind && fail.startIndex === startIndex) return scimError(res, fail.status, "injected failure");
    const Resource = kind === "Users" ? SCIMMY.Resources.User : SCIMMY.Resources.Group;
    const list = (await new Resource(undefined, { startIndex, count }).read()) as unknown as { Resources: Record<string, unknown>[] };
    const body = JSON.parse(JSON.stringify(list)) as { Resources: Record<string, unknown>[] };
    if (kind === "Users") body.Resources = body.Resources.map(platformShape);
    res.writeHead(200, { "content-type": "application/scim+json" });
    res.end(JSON.stringify(body));
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) scimError(res, 500, error instanceof Error ? error.message : String(error));
      else res.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no port");
  state.baseUrl = `http://127.0.0.1:${address.port}`;
  state.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return state;
}
