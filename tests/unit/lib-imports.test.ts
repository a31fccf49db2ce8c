// The run-time import graph of lib/ (docs/INGEST.md, "Pure modules"): no cycle; the pure
// modules (the SPEC §4 rules, event parsing, the ingest planner) reach nothing that does I/O,
// however indirectly; the frozen migrations import nothing of lib/ at all.
//
// An import counts at run time unless it is type-only (`import type`, or every name marked
// `type`): write type-only imports that way, which is also what keeps them out of the bundle.
// Dynamic `import()` is lazy, so it is no cycle; but it is I/O a pure module could reach.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { builtinModules } from "node:module";
import { dirname, join, relative, resolve } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const ROOT = resolve(__dirname, "../..");
const LIB = join(ROOT, "lib");

/** Modules of rules: no I/O, however indirectly. Globs over lib/-relative paths. */
const PURE = [
  "activity/*",
  // Event parsing (not the anonymizer, which reads its key, nor the cursor helpers).
  "audit/canonical.ts",
  "audit/event.ts",
  "audit/json-scan.ts",
  "audit/ndjson-lines.ts",
  "audit/plausible.ts",
  "audit/schema.ts",
  "audit/timestamp.ts",
  // The audit-log API's parameters and their filter (q=).
  "audit/audit-log-params.ts",
  // The ingest planner and what it decides with.
  "ingest/identity.ts",
  "ingest/plan-batch.ts",
  "ingest/rollup-plan.ts",
  "ingest/quarantine-plan.ts",
  "ingest/parse-line.ts",
  "ingest/parallel-parse.ts",
  "trust/chain.ts",
  // The error table (its response side, lib/http/error-response.ts, logs and counts).
  "http/errors.ts",
  // The filter language (SPEC §8): one parser for the explorer, the audit-log API and Slack rules.
  "filter/*",
  // How actor:/user: values name users (SPEC §4 identity, lib/ingest/identity.ts).
  "explorer/user-directory.ts",
];

/** What does I/O: drivers and network or file packages, Node's I/O modules, and these files of lib/. */
const IO_PACKAGES = ["better-sqlite3", "pg", "pg-cursor", "pg-copy-streams", "kysely", "@aws-sdk/client-s3", "prom-client", "next", "openid-client"];
const IO_BUILTINS = [
  "fs",
  "fs/promises",
  "net",
  "http",
  "https",
  "http2",
  "tls",
  "dgram",
  "dns",
  "child_process",
  "worker_threads",
  "cluster",
  "readline",
  "repl",
  "inspector",
];
const IO_FILES = ["env.ts", "metrics/*", "db/client.ts"];

const match = (pattern: string, path: string) => (pattern.endsWith("/*") ? path.startsWith(pattern.slice(0, -1)) : path === pattern);

interface Edge {
  to: string;
  dynamic: boolean;
}

function libFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...libFiles(path));
    else if (/\.(ts|tsx|mts)$/.test(name) && !name.endsWith(".d.ts")) out.push(path);
  }
  return out;
}

function resolveSpecifier(from: string, specifier: string): string {
  let base: string;
  if (specifier.startsWith("@/")) base = join(ROOT, specifier.slice(2));
  else if (specifier.startsWith(".")) base = resolve(dirname(from), specifier);
  else {
    // A package (its name, scoped or not) or a builtin (without its node: prefix).
    const bare = specifier.replace(/^node:/, "");
    if (builtinModules.includes(bare)) return `builtin:${bare}`;
    const parts = bare.split("/");
    return `package:${bare.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0]}`;
  }
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, join(base, "index.ts")]) {
    try {
      if (statSync(candidate).isFile()) return relative(LIB, candidate);
    } catch {
      // not this one
    }
  }
  if (base.endsWith(".mjs")) return relative(LIB, base);
  throw new Error(`${relative(ROOT, from)}: cannot resolve ${specifier}`);
}

/** Every run-time import of every file of lib/, by lib/-relative path. */
function importGraph(): Map<string, Edge[]> {
  const graph = new Map<string, Edge[]>();
  for (const file of libFiles(LIB)) {
    const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
    const edges: Edge[] = [];
    const add = (specifier: string, dynamic: boolean) => edges.push({ to: resolveSpecifier(file, specifier), dynamic });
    for (const statement of source.statements) {
      if (ts.isImportDeclaration(statement) && ts.isStringLiteral(statement.moduleSpecifier)) {
        const clause = statement.importClause;
        if (clause?.isTypeOnly) continue;
        const named = clause?.namedBindings;
        if (clause && !clause.name && named && ts.isNamedImports(named) && named.elements.length > 0 && named.elements.every((e) => e.isTypeOnly)) continue;
        add(statement.moduleSpecifier.text, false);
      } else if (ts.isExportDeclaration(statement) && statement.moduleSpecifier && ts.isStringLiteral(statement.moduleSpecifier)) {
        if (statement.isTypeOnly) continue;
        const clause = statement.exportClause;
        if (clause && ts.isNamedExports(clause) && clause.elements.length > 0 && clause.elements.every((e) => e.isTypeOnly)) continue;
        add(statement.moduleSpecifier.text, false);
      }
    }
    const visit = (node: ts.Node) => {
      if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] && ts.isStringLiteral(node.arguments[0])) {
        add(node.arguments[0].text, true);
      }
      node.forEachChild(visit);
    };
    source.forEachChild(visit);
    graph.set(relative(LIB, file), edges);
  }
  return graph;
}

/** Strongly connected components with more than one file (or a file importing itself). */
function cycles(graph: Map<string, Edge[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const connect = (v: string) => {
    index.set(v, counter);
    low.set(v, counter);
    counter++;
    stack.push(v);
    onStack.add(v);
    for (const { to, dynamic } of graph.get(v) ?? []) {
      if (dynamic || !graph.has(to)) continue;
      if (!index.has(to)) {
        connect(to);
        low.set(v, Math.min(low.get(v)!, low.get(to)!));
      } else if (onStack.has(to)) low.set(v, Math.min(low.get(v)!, index.get(to)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).some((e) => e.to === v && !e.dynamic)) found.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) connect(v);
  return found;
}

function isIo(target: string): boolean {
  if (target.startsWith("builtin:")) return IO_BUILTINS.includes(target.slice("builtin:".length));
  if (target.startsWith("package:")) return IO_PACKAGES.includes(target.slice("package:".length));
  return IO_FILES.some((p) => match(p, target));
}

/** The first chain of imports from `start` to something that does I/O, or null. */
function pathToIo(graph: Map<string, Edge[]>, start: string): string[] | null {
  const seen = new Set<string>([start]);
  const queue: string[][] = [[start]];
  while (queue.length > 0) {
    const path = queue.shift()!;
    const at = path[path.length - 1]!;
    for (const { to } of graph.get(at) ?? []) {
      if (isIo(to)) return [...path, to];
      if (seen.has(to) || !graph.has(to)) continue;
      seen.add(to);
      queue.push([...path, to]);
    }
  }
  return null;
}

describe("the run-time import graph of lib/", () => {
  const graph = importGraph();

  it("finds the files and their imports (the test reads what it means to)", () => {
    expect(graph.size).toBeGreaterThan(100);
    expect(graph.get("ingest/write-sqlite.ts")!.map((e) => e.to)).toContain("ingest/plan-batch.ts");
    // Type-only imports are not edges.
    expect(graph.get("ingest/plan-batch.ts")!.map((e) => e.to)).not.toContain("env.ts");
    expect(isIo("db/client.ts") && isIo("builtin:fs") && isIo("package:pg") && !isIo("builtin:crypto")).toBe(true);
  });

  it("has no cycle", () => {
    expect(cycles(graph)).toEqual([]);
  });

  it("keeps the pure modules pure: nothing they import, however indirectly, does I/O", () => {
    const pure = [...graph.keys()].filter((f) => PURE.some((p) => match(p, f)));
    expect(pure.length).toBeGreaterThanOrEqual(PURE.length);
    const leaks = pure.map((f) => pathToIo(graph, f)).filter((p) => p !== null);
    expect(leaks.map((p) => p.join(" -> "))).toEqual([]);
  });

  it("keeps the migrations frozen: a migration imports kysely only, nothing of lib/", () => {
    const migrations = [...graph.keys()].filter((f) => f.startsWith("db/migrations/") && f !== "db/migrations/index.ts");
    expect(migrations.length).toBeGreaterThanOrEqual(14);
    // kysely or nothing at run time (a migration written with the schema builder alone imports only its types).
    for (const m of migrations)
      expect({
        migration: m,
        imports: graph
          .get(m)!
          .map((e) => e.to)
          .filter((to) => to !== "package:kysely"),
      }).toEqual({ migration: m, imports: [] });
  });
});
