// Frozen (docs/SCALING.md, "Schema"): the statements this migration ran when it was released,
// written out. Never edit one: a change to the schema is a new migration. Imports nothing of
// lib/ (tests/unit/db/lib-imports.test.ts).
import { sql, type Kysely, type Migration } from "kysely";

const SQLITE = [
  `create table "bucket_source_objects" ("source" text not null, "key" text not null, "version" text not null, "size" integer not null, "org_id" integer not null, "read_at" integer not null, "accepted" integer not null, "duplicates" integer not null, "rejected" integer not null, constraint "bucket_source_objects_pk" primary key ("source", "key"))`,
];

const POSTGRES = [
  `create table "bucket_source_objects" ("source" text not null, "key" text not null, "version" text not null, "size" bigint not null, "org_id" integer not null, "read_at" bigint not null, "accepted" integer not null, "duplicates" integer not null, "rejected" integer not null, constraint "bucket_source_objects_pk" primary key ("source", "key"))`,
];

/** 0002_bucket_source_objects: which objects of a bucket source were read, at which version (lib/sources/bucket-source.ts). */
export function m0002BucketSourceObjects(dialect: "sqlite" | "postgres"): Migration {
  return {
    async up(db: Kysely<unknown>) {
      for (const statement of dialect === "sqlite" ? SQLITE : POSTGRES) await sql.raw(statement).execute(db);
    },
  };
}
