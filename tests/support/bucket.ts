// Helpers for bucket-sync tests: small NDJSON batches, ingest into a store, read a bucket back.
import { Readable } from "node:stream";
import type { Bucket } from "@/lib/bucket/storage";
import type { Store } from "@/lib/db/client";
import { ensureOrg } from "@/lib/db/orgs";
import { ingestNdjson } from "@/lib/ingest/ingest-ndjson";

/** `n` distinct events starting at `start` (their timestamps go back in time: ingest order is not time order). */
export function events(n: number, start = 0, day = "2026-03-20"): string {
  const lines: string[] = [];
  for (let i = start; i < start + n; i++) {
    const minute = String(i % 60).padStart(2, "0");
    const hour = String(23 - (Math.floor(i / 60) % 24)).padStart(2, "0");
    lines.push(
      JSON.stringify({
        action: i % 3 === 0 ? "user:login" : "run:update",
        timestamp: `${day}T${hour}:${minute}:00Z`,
        actor_email: `u${i % 7}@x.test`,
        project_name: `p${i}`,
      }),
    );
  }
  return lines.join("\n") + "\n";
}

export async function ingestText(store: Store, text: string, org = "default") {
  const orgId = await ensureOrg(store.db, org);
  return ingestNdjson(store, orgId, Readable.from([Buffer.from(text)]), { deployment: "self-managed" });
}

/** Every NDJSON object under wandb-audit-logs/ with its lines (signed checkpoints beside them are left out). */
export async function readBucket(bucket: Bucket): Promise<{ key: string; body: Buffer; lines: string[] }[]> {
  const out: { key: string; body: Buffer; lines: string[] }[] = [];
  for await (const o of bucket.list("wandb-audit-logs/")) {
    if (!o.key.endsWith(".ndjson")) continue;
    const body = (await bucket.get(o.key))!;
    out.push({
      key: o.key,
      body,
      lines: body
        .toString("utf8")
        .split("\n")
        .filter((l) => l.length > 0),
    });
  }
  return out.sort((a, b) => (a.key < b.key ? -1 : 1));
}

/** The stored event lines of an organization, in sequence order. */
export async function storedBodies(store: Store, org = "default"): Promise<string[]> {
  const rows = await store.db
    .selectFrom("events")
    .innerJoin("organizations", "organizations.id", "events.org_id")
    .select("events.body")
    .where("organizations.slug", "=", org)
    .orderBy("events.seq")
    .execute();
  return rows.map((r) => r.body);
}

/** The keys of the signed checkpoints written beside the exported objects. */
export async function checkpointKeys(bucket: Bucket): Promise<string[]> {
  const keys: string[] = [];
  for await (const o of bucket.list("wandb-audit-logs/")) if (o.key.endsWith(".checkpoint.json")) keys.push(o.key);
  return keys.sort();
}
