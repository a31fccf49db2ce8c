import { randomBytes } from "node:crypto";
import { mkdir, open, readdir, readFile, rename, rm, stat } from "node:fs/promises";
import { dirname, join, sep } from "node:path";
import type { BucketLocation } from "./location";
import type { Bucket, StoredObject } from "./storage";

/** A local folder as a bucket: keys are relative paths; writes are atomic (temp file, fsync, rename). */
export class FileBucket implements Bucket {
  constructor(readonly location: Extract<BucketLocation, { kind: "file" }>) {}

  private pathOf(key: string): string {
    if (key.split("/").some((p) => p === ".." || p === "")) throw new Error(`invalid object key ${JSON.stringify(key)}`);
    return join(this.location.dir, ...key.split("/"));
  }

  async prepareForWrites(): Promise<void> {
    await mkdir(this.location.dir, { recursive: true });
  }

  async put(key: string, body: Buffer): Promise<void> {
    const path = this.pathOf(key);
    await mkdir(dirname(path), { recursive: true });
    const tmp = `${path}.${randomBytes(4).toString("hex")}.tmp`;
    const handle = await open(tmp, "w");
    try {
      await handle.writeFile(body);
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await rename(tmp, path);
    } catch (error) {
      await rm(tmp, { force: true });
      throw error;
    }
  }

  async get(key: string): Promise<Buffer | null> {
    try {
      return await readFile(this.pathOf(key));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw error;
    }
  }

  async *list(prefix: string): AsyncIterable<StoredObject> {
    // Walk only the folder the prefix names, then filter on the full key.
    const cut = prefix.lastIndexOf("/");
    const base = cut >= 0 ? prefix.slice(0, cut) : "";
    const start = base ? join(this.location.dir, ...base.split("/")) : this.location.dir;
    const root = await stat(this.location.dir).catch(() => null);
    if (!root?.isDirectory()) throw new Error(`bucket folder ${this.location.dir} does not exist`);
    yield* this.walk(start, base, prefix);
  }

  private async *walk(dir: string, keyDir: string, prefix: string): AsyncGenerator<StoredObject> {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
      throw error;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const key = keyDir ? `${keyDir}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (prefix.startsWith(`${key}/`) || key.startsWith(prefix)) yield* this.walk(join(dir, entry.name), key, prefix);
      } else if (entry.isFile() && key.startsWith(prefix) && !entry.name.endsWith(".tmp") && !entry.name.includes(sep)) {
        const info = await stat(join(dir, entry.name)).catch(() => null);
        if (info) yield { key, size: info.size, version: `${info.size}-${Math.trunc(info.mtimeMs)}` };
      }
    }
  }

  close(): void {}
}
