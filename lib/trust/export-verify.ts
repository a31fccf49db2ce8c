import type { KeyObject } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { basename, join, relative } from "node:path";
import type { Bucket } from "../bucket/storage";
import type { Store } from "../db/client";
import { findOrgBySlug } from "../db/orgs";
import { GENESIS_CHAIN, nextChain, tryEventLeaf } from "./chain";
import { checkpointKeyFor, checkpointSignatureProblem, checkpointToJson, createCheckpoint, parseCheckpointJson, type Checkpoint } from "./checkpoint";

/** Writes the signed checkpoint of one exported object beside it (`…/<from>-<to>.checkpoint.json`). */
export async function putObjectCheckpoint(
  store: Store,
  bucket: Bucket,
  object: { org: string; key: string; fromSeq: number; toSeq: number },
): Promise<Checkpoint> {
  const org = await findOrgBySlug(store.db, object.org);
  if (!org) throw new Error(`no organization named ${JSON.stringify(object.org)}`);
  const checkpoint = await createCheckpoint(store, org.id, { fromSeq: object.fromSeq, toSeq: object.toSeq });
  await bucket.put(checkpointKeyFor(object.key), Buffer.from(checkpointToJson(checkpoint), "utf8"), {
    "orgtrail-org": object.org,
    "orgtrail-from-seq": String(object.fromSeq),
    "orgtrail-to-seq": String(object.toSeq),
  });
  return checkpoint;
}

function walkFiles(path: string, out: string[]): void {
  const info = statSync(path);
  if (info.isFile()) {
    out.push(path);
    return;
  }
  for (const name of readdirSync(path).sort()) {
    if (name.startsWith(".")) continue;
    walkFiles(join(path, name), out);
  }
}

/** Checkpoint files under a directory (`*.checkpoint.json`, recursively) or one file. */
export function loadCheckpointFiles(path: string): { checkpoint: Checkpoint; source: string }[] {
  const files: string[] = [];
  walkFiles(path, files);
  const single = files.length === 1 && files[0] === path;
  return files
    .filter((f) => single || f.endsWith(".checkpoint.json"))
    .map((f) => {
      try {
        return { checkpoint: parseCheckpointJson(readFileSync(f, "utf8")), source: f };
      } catch (error) {
        throw new Error(`${f}: ${error instanceof Error ? error.message : String(error)}`);
      }
    });
}

export interface ExportVerification {
  ok: boolean;
  orgs: {
    org: string;
    ok: boolean;
    objects: number;
    events: number;
    lastSeq: number;
    lastCheckpointAt: string | null;
    firstBadSeq: number | null;
    reason?: string;
  }[];
}

const OBJECT_RE = /^(\d{12})-(\d{12})\.ndjson$/;

/**
 * Verifies an exported folder (a copy of the bucket) offline, with the public key alone:
 * every object must have its signed checkpoint beside it, the objects of an organization must
 * tile its log from sequence 1 (each checkpoint's prevHead is the previous one's head), and
 * each line (with the checkpoint's unknown keys) must re-hash to the signed chain.
 */
export function verifyExportDir(root: string, publicKey: KeyObject): ExportVerification {
  const files: string[] = [];
  walkFiles(root, files);
  const byOrg = new Map<string, { from: number; to: number; path: string }[]>();
  for (const f of files) {
    const m = OBJECT_RE.exec(basename(f));
    const parts = relative(root, f).split(/[\\/]/);
    const i = parts.lastIndexOf("wandb-audit-logs");
    if (!m || i < 0 || parts.length !== i + 4) continue;
    const org = parts[i + 1]!;
    const list = byOrg.get(org) ?? [];
    list.push({ from: Number(m[1]), to: Number(m[2]), path: f });
    byOrg.set(org, list);
  }
  const orgs: ExportVerification["orgs"] = [];
  for (const [org, objects] of [...byOrg.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    objects.sort((a, b) => a.from - b.from || a.to - b.to);
    let head = GENESIS_CHAIN;
    let expected = 1;
    let events = 0;
    let lastCheckpointAt: string | null = null;
    let problem: { seq: number; reason: string } | null = null;
    for (const o of objects) {
      const rel = relative(root, o.path);
      if (o.from !== expected) {
        problem = {
          seq: expected,
          reason: o.from > expected ? `events ${expected}-${o.from - 1} are missing (no object holds them)` : `${rel} overlaps the previous object`,
        };
        break;
      }
      let cp: Checkpoint;
      try {
        cp = parseCheckpointJson(readFileSync(checkpointKeyFor(o.path), "utf8"));
      } catch (error) {
        problem = { seq: o.from, reason: `${rel}: no valid checkpoint beside it (${error instanceof Error ? error.message : String(error)})` };
        break;
      }
      const bad = checkpointSignatureProblem(cp, publicKey);
      if (bad || cp.org !== org || cp.fromSeq !== o.from || cp.toSeq !== o.to || cp.prevHead !== head) {
        problem = {
          seq: o.from,
          reason: `${rel}: checkpoint ${bad ?? (cp.prevHead !== head ? "does not link to the previous object's head" : "names another organization or range")}`,
        };
        break;
      }
      const lines = readFileSync(o.path, "utf8").split("\n");
      if (lines.at(-1) === "") lines.pop();
      let seq = o.from;
      for (const line of lines) {
        const leaf = tryEventLeaf(line, cp.extras?.[String(seq)] ?? null);
        if (leaf === null || seq > o.to) {
          problem = { seq, reason: `${rel}: line ${seq - o.from + 1} is not a valid event` };
          break;
        }
        head = nextChain(head, seq, leaf);
        seq++;
      }
      if (problem) break;
      if (seq !== o.to + 1) {
        problem = { seq, reason: `${rel}: holds ${seq - o.from} lines, its name and checkpoint say ${o.to - o.from + 1}` };
        break;
      }
      if (head !== cp.head) {
        problem = { seq: o.from, reason: `${rel}: its lines do not hash to the signed chain head (an event was altered, removed, added or reordered)` };
        break;
      }
      events += o.to - o.from + 1;
      expected = o.to + 1;
      lastCheckpointAt = cp.createdAt;
    }
    orgs.push({
      org,
      ok: problem === null,
      objects: objects.length,
      events,
      lastSeq: expected - 1,
      lastCheckpointAt,
      firstBadSeq: problem?.seq ?? null,
      ...(problem ? { reason: problem.reason } : {}),
    });
  }
  return { ok: orgs.every((o) => o.ok), orgs };
}
