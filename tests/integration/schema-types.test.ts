// The schema the migrations build (lib/db/migrations/) against the types the code reads and
// writes it through (lib/db/types.ts): every table and column on both sides, each column's
// kind (integer, text, bytes) and nullability, and a default for every Generated<> column.
// On SQLite and PostgreSQL (whichever ORGTRAIL_TEST_STORE names).
import { readFileSync } from "node:fs";
import { sql } from "kysely";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore, type Store } from "@/lib/db/client";
import { PROJECT_ROOT } from "../support/server";
import { createTestDatabaseUrl, testStoreKind } from "../support/store";

type Kind = "integer" | "text" | "bytes";
interface Column {
  kind: Kind;
  nullable: boolean;
  generated: boolean;
}

/** lib/db/types.ts read as the compiler reads it: the Database interface, each table's properties. */
function declaredTables(): Map<string, Map<string, Column>> {
  const path = `${PROJECT_ROOT}/lib/db/types.ts`;
  const file = ts.createSourceFile(path, readFileSync(path, "utf8"), ts.ScriptTarget.Latest, true);
  const interfaces = new Map<string, ts.InterfaceDeclaration>();
  file.forEachChild((n) => {
    if (ts.isInterfaceDeclaration(n)) interfaces.set(n.name.text, n);
  });
  const kindOf = (t: ts.TypeNode, where: string): Kind => {
    if (t.kind === ts.SyntaxKind.NumberKeyword) return "integer";
    if (t.kind === ts.SyntaxKind.StringKeyword || (ts.isLiteralTypeNode(t) && ts.isStringLiteral(t.literal))) return "text";
    if (ts.isTypeReferenceNode(t) && t.typeName.getText() === "Uint8Array") return "bytes";
    throw new Error(`${where}: a column type the test does not know: ${t.getText()}`);
  };
  const columnOf = (type: ts.TypeNode, where: string): Column => {
    let generated = false;
    let t = type;
    if (ts.isTypeReferenceNode(t) && t.typeName.getText() === "Generated") {
      generated = true;
      t = t.typeArguments![0]!;
    }
    const members = ts.isUnionTypeNode(t) ? [...t.types] : [t];
    const nullable = members.some((m) => ts.isLiteralTypeNode(m) && m.literal.kind === ts.SyntaxKind.NullKeyword);
    const kinds = new Set(members.filter((m) => !(ts.isLiteralTypeNode(m) && m.literal.kind === ts.SyntaxKind.NullKeyword)).map((m) => kindOf(m, where)));
    expect(kinds.size, `${where} mixes kinds`).toBe(1);
    return { kind: [...kinds][0]!, nullable, generated };
  };
  const tables = new Map<string, Map<string, Column>>();
  for (const member of interfaces.get("Database")!.members) {
    if (!ts.isPropertySignature(member) || !member.type || !ts.isTypeReferenceNode(member.type)) throw new Error("Database: every member is a table interface");
    const table = member.name.getText();
    const decl = interfaces.get(member.type.typeName.getText());
    if (!decl) throw new Error(`Database.${table}: no interface ${member.type.typeName.getText()} in types.ts`);
    const columns = new Map<string, Column>();
    for (const p of decl.members) {
      if (!ts.isPropertySignature(p) || !p.type) continue;
      columns.set(p.name.getText(), columnOf(p.type, `${table}.${p.name.getText()}`));
    }
    tables.set(table, columns);
  }
  return tables;
}

/** What the migrated store holds, in the same terms. */
async function storedTables(store: Store): Promise<Map<string, Map<string, Column>>> {
  const tables = new Map<string, Map<string, Column>>();
  if (store.dialect === "sqlite") {
    const names = await sql<{
      name: string;
    }>`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'orgtrail_migrations%'`.execute(store.db);
    for (const { name } of names.rows) {
      const info = await sql<{
        name: string;
        type: string;
        notnull: number;
        dflt_value: string | null;
        pk: number;
      }>`SELECT * FROM pragma_table_info(${name})`.execute(store.db);
      const columns = new Map<string, Column>();
      for (const c of info.rows) {
        const kind: Kind = /INT/i.test(c.type) ? "integer" : /TEXT/i.test(c.type) ? "text" : /BLOB/i.test(c.type) ? "bytes" : (`?${c.type}` as Kind);
        // An INTEGER PRIMARY KEY is the rowid: never null, generated when not given.
        const rowid = c.pk === 1 && /^INTEGER$/i.test(c.type) && info.rows.filter((x) => x.pk > 0).length === 1;
        columns.set(c.name, { kind, nullable: c.notnull === 0 && c.pk === 0, generated: c.dflt_value !== null || rowid });
      }
      tables.set(name, columns);
    }
    return tables;
  }
  // PostgreSQL: tables of the schema, not the monthly partitions of events.
  const { rows } = await sql<{ table_name: string; column_name: string; data_type: string; is_nullable: string; column_default: string | null }>`
    SELECT c.table_name, c.column_name, c.data_type, c.is_nullable, c.column_default
    FROM information_schema.columns c JOIN pg_class k ON k.relname = c.table_name AND k.relnamespace = to_regnamespace(current_schema())
    WHERE c.table_schema = current_schema() AND NOT k.relispartition AND c.table_name NOT LIKE 'orgtrail_migrations%'
    ORDER BY c.table_name, c.ordinal_position`.execute(store.db);
  for (const c of rows) {
    const kind: Kind = ["integer", "bigint"].includes(c.data_type)
      ? "integer"
      : c.data_type === "text"
        ? "text"
        : c.data_type === "bytea"
          ? "bytes"
          : (`?${c.data_type}` as Kind);
    if (!tables.has(c.table_name)) tables.set(c.table_name, new Map());
    tables.get(c.table_name)!.set(c.column_name, { kind, nullable: c.is_nullable === "YES", generated: c.column_default !== null });
  }
  return tables;
}

describe(`the migrated schema matches lib/db/types.ts on ${testStoreKind()}`, () => {
  let store: Store;
  beforeAll(async () => {
    store = await openStore(await createTestDatabaseUrl());
  });
  afterAll(async () => store?.close());

  it("has every table and column types.ts declares, and nothing else", async () => {
    const declared = declaredTables();
    const stored = await storedTables(store);
    expect([...stored.keys()].sort()).toEqual([...declared.keys()].sort());
    for (const [table, columns] of declared) {
      expect({ table, columns: [...stored.get(table)!.keys()].sort() }).toEqual({ table, columns: [...columns.keys()].sort() });
    }
  });

  it("agrees on each column's kind and nullability, and Generated<> columns have a default", async () => {
    const declared = declaredTables();
    const stored = await storedTables(store);
    for (const [table, columns] of declared) {
      for (const [name, want] of columns) {
        const got = stored.get(table)!.get(name)!;
        expect({ column: `${table}.${name}`, kind: got.kind, nullable: got.nullable }).toEqual({
          column: `${table}.${name}`,
          kind: want.kind,
          nullable: want.nullable,
        });
        if (want.generated) expect({ column: `${table}.${name}`, hasDefault: got.generated }).toEqual({ column: `${table}.${name}`, hasDefault: true });
      }
    }
  });
});
