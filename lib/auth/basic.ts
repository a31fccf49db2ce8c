/** Parses `Authorization: Basic base64(username:API-KEY)`; null when absent or malformed. */
export function parseBasicAuth(header: string | null): { username: string; key: string } | null {
  if (!header) return null;
  const m = /^Basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header);
  if (!m) return null;
  let decoded: string;
  try {
    decoded = new TextDecoder("utf-8", { fatal: true }).decode(Buffer.from(m[1]!, "base64"));
  } catch {
    return null;
  }
  const colon = decoded.indexOf(":");
  if (colon <= 0) return null;
  const username = decoded.slice(0, colon);
  const key = decoded.slice(colon + 1);
  if (key === "") return null;
  return { username, key };
}
