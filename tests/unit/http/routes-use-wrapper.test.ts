// Every route handler under app/ goes through the one wrapper (lib/http/route.ts): it
// declares who may call it, its schemas and its body limit, and cannot skip the same-origin
// check or the error table. A handler exported any other way fails this test.
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(__dirname, "../../..");
const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];
const WRAPPERS = ["orgRoute", "accountRoute", "publicRoute"];

function routeFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...routeFiles(path));
    else if (entry.name === "route.ts" || entry.name === "route.tsx" || entry.name === "route.js") out.push(path);
  }
  return out;
}

/** Handlers of a route module that are not `export const METHOD = <wrapper>(`. */
export function bypasses(source: string): string[] {
  const problems: string[] = [];
  for (const m of source.matchAll(/export\s+(?:async\s+)?function\s+([A-Z]+)\b/g)) problems.push(`${m[1]} is a plain function`);
  for (const m of source.matchAll(/export\s*\{([^}]*)\}/g)) {
    for (const name of m[1]!.split(",").map((s) =>
      s
        .trim()
        .split(/\s+as\s+/)
        .pop()!,
    )) {
      if (METHODS.includes(name)) problems.push(`${name} is re-exported`);
    }
  }
  for (const m of source.matchAll(/export\s+const\s+([A-Z]+)\s*(?::[^=]+)?=\s*([A-Za-z_$][\w$]*)?/g)) {
    if (!METHODS.includes(m[1]!)) continue;
    if (!WRAPPERS.includes(m[2] ?? "")) problems.push(`${m[1]} is not built by ${WRAPPERS.join(", ")}`);
  }
  if (/export\s+\*\s+from/.test(source)) problems.push("re-exports a whole module");
  return problems;
}

describe("route wrapper", () => {
  const files = routeFiles(join(root, "app"));

  it("finds the route files", () => {
    expect(files.length).toBeGreaterThan(10);
  });

  it.each(files.map((f) => [relative(root, f), f]))("%s exports handlers only through the wrapper", (_name, file) => {
    const source = readFileSync(file, "utf8");
    expect(bypasses(source)).toEqual([]);
    expect(METHODS.some((m) => new RegExp(`export\\s+const\\s+${m}\\b`).test(source))).toBe(true);
  });

  it("catches each way around it", () => {
    expect(bypasses("export async function GET(request) {}")).toHaveLength(1);
    expect(bypasses("export const GET = handle(async () => {})")).toHaveLength(1);
    expect(bypasses("const GET = orgRoute({}, f); export { GET };")).toHaveLength(1);
    expect(bypasses("export const POST: Handler = async () => new Response()")).toHaveLength(1);
    expect(bypasses('export * from "./other"')).toHaveLength(1);
    expect(bypasses('export const GET = orgRoute({ role: "reader" }, f)')).toEqual([]);
  });
});
