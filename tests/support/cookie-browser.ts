// A minimal browser for protocol tests: fetch with a cookie jar (by host, as browsers do: the
// port does not separate cookies) and manual redirects, so a test can stop at any hop of an
// OpenID Connect flow, change it, and go on.
interface StoredCookie {
  host: string;
  name: string;
  value: string;
  path: string;
  expires: number;
}

export class CookieBrowser {
  private readonly jar = new Map<string, StoredCookie>();

  /** One request, no redirect followed; cookies sent and stored. */
  async request(url: string | URL, init: RequestInit = {}): Promise<Response> {
    const target = new URL(url);
    const headers = new Headers(init.headers);
    const cookie = this.cookieHeader(target);
    if (cookie) headers.set("cookie", cookie);
    const response = await fetch(target, { ...init, headers, redirect: "manual" });
    this.store(target, response.headers.getSetCookie());
    return response;
  }

  /** Follows redirects until `stop(url)` says so or a non-redirect answers; returns the last response and the URL it came from. */
  async follow(url: string | URL, stop: (next: URL) => boolean = () => false): Promise<{ response: Response; url: URL; stoppedAt?: URL }> {
    let current = new URL(url);
    for (let hops = 0; hops < 20; hops++) {
      const response = await this.request(current);
      const location = response.headers.get("location");
      if (response.status < 300 || response.status >= 400 || !location) return { response, url: current };
      await response.arrayBuffer();
      const next = new URL(location, current);
      if (stop(next)) return { response, url: current, stoppedAt: next };
      current = next;
    }
    throw new Error(`too many redirects from ${String(url)}`);
  }

  /** The value of a cookie this browser holds (any path), or undefined. */
  cookie(host: string, name: string): string | undefined {
    for (const c of this.jar.values()) if (c.name === name && c.host === host && c.expires > Date.now()) return c.value;
    return undefined;
  }

  private cookieHeader(url: URL): string {
    const now = Date.now();
    const parts: string[] = [];
    for (const c of this.jar.values()) {
      if (c.host !== url.hostname || c.expires <= now) continue;
      if (url.pathname === c.path || url.pathname.startsWith(c.path.endsWith("/") ? c.path : `${c.path}/`)) parts.push(`${c.name}=${c.value}`);
    }
    return parts.join("; ");
  }

  private store(url: URL, setCookies: string[]): void {
    for (const line of setCookies) {
      const [pair, ...attributes] = line.split(";");
      const eq = pair!.indexOf("=");
      if (eq <= 0) continue;
      const cookie: StoredCookie = {
        host: url.hostname,
        name: pair!.slice(0, eq).trim(),
        value: pair!.slice(eq + 1).trim(),
        path: "/",
        expires: Number.POSITIVE_INFINITY,
      };
      for (const attribute of attributes) {
        const [k, v = ""] = attribute.split("=").map((s) => s.trim());
        const name = k!.toLowerCase();
        if (name === "path" && v.startsWith("/")) cookie.path = v;
        else if (name === "max-age") cookie.expires = Date.now() + Number(v) * 1000;
        else if (name === "expires" && cookie.expires === Number.POSITIVE_INFINITY) cookie.expires = Date.parse(v);
      }
      const key = `${cookie.host}|${cookie.path}|${cookie.name}`;
      if (cookie.expires <= Date.now()) this.jar.delete(key);
      else this.jar.set(key, cookie);
    }
  }
}
