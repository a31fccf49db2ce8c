// What every CLI command file shares.
import { openStore, type Store } from "../lib/db/client";

/** A command's exit code, handed to the program once its promise settles. */
export type Run = (code: Promise<number>) => void;

/** commander's collector for repeatable options (`--org a --org b`). */
/** A numeric option: a whole number from 1 to max, or an error naming the option. */
export function positiveInt(name: string, value: string, max: number): number {
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > max)
    throw new Error(`invalid ${name} ${JSON.stringify(value)}: a whole number from 1 to ${max}`);
  return Number(value);
}

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
