// What every CLI command file shares.
import { openStore, type Store } from "../lib/db/client";

/** A command's exit code, handed to the program once its promise settles. */
export type Run = (code: Promise<number>) => void;

/** commander's collector for repeatable options (`--org a --org b`). */
export const collect = (value: string, previous: string[]) => [...previous, value];

/** Opens the store of ORGTRAIL_DATABASE_URL for one command and always closes it. */
export async function withStore<T>(fn: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStore();
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}
