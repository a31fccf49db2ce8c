import { randomBytes } from "node:crypto";
import type { Store } from "../db/client";

const SETTING = "audit_log_cursor_key";
const cache = new Map<string, Buffer>();

/**
 * The instance's secret for signing audit-log cursors: 32 random bytes made on first use and
 * kept in `settings`, so cursors survive restarts and are shared by servers on one store.
 */
export async function cursorKey(store: Store): Promise<Buffer> {
  const cached = cache.get(store.url);
  if (cached) return cached;
  const read = () => store.db.selectFrom("settings").select("value").where("key", "=", SETTING).executeTakeFirst();
  // Read first: the insert (even one that changes nothing) takes the SQLite write lock, and
  // waits for it on the event loop while a CLI ingest holds it; the key exists after first use.
  let row = await read();
  if (!row) {
    await store.db
      .insertInto("settings")
      .values({ key: SETTING, value: randomBytes(32).toString("base64") })
      .onConflict((oc) => oc.column("key").doNothing())
      .execute();
    row = await read();
  }
  if (!row) throw new Error(`the setting ${SETTING} could not be created`);
  const key = Buffer.from(row.value, "base64");
  cache.set(store.url, key);
  return key;
}
