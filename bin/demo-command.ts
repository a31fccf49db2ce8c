// `orgtrail demo [--remove]` and the demo part of the first start (docs: README "First start").
import type { Store } from "../lib/db/client";
import { env } from "../lib/env";
import { DEMO_ORG, demoWasRemoved, ensureDemoOrg, NotADemoError } from "../lib/demo/organization";

export interface DemoCommandOptions {
  org?: string;
  remove?: boolean;
  users?: string;
  events?: string;
}

const count = (name: string, value: string | undefined): number | undefined => {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 10_000_000)
    throw new Error(`invalid ${name} ${JSON.stringify(value)}: a whole number from 1 to 10000000`);
  return Number(value);
};

const log = (m: string) => process.stderr.write(`${m}\n`);

async function seed(store: Store, orgId: number, users?: number, events?: number) {
  const { seedDemo, demoOptions } = await import("../lib/demo/seed");
  const generate = { ...demoOptions(), ...(users !== undefined ? { users } : {}), ...(events !== undefined ? { events } : {}) };
  return seedDemo(store, orgId, { log, generate });
}

export async function demoCommand(store: Store, opts: DemoCommandOptions): Promise<number> {
  const slug = opts.org ?? DEMO_ORG;
  try {
    if (opts.remove) {
      const { removeDemoOrg } = await import("../lib/demo/remove");
      const removed = await removeDemoOrg(store, slug);
      process.stdout.write(`demo organization ${removed.slug} removed: ${removed.events} events, its chain, checkpoints, rollups and directory\n`);
      return 0;
    }
    const users = count("--users", opts.users);
    const events = count("--events", opts.events);
    const orgId = await ensureDemoOrg(store.db, slug);
    const summary = await seed(store, orgId, users, events);
    process.stdout.write(`demo organization ${slug} seeded: ${summary.users} users, ${summary.events} events\n`);
    return 0;
  } catch (error) {
    if (error instanceof NotADemoError) {
      process.stderr.write(`orgtrail: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}

/**
 * The first start's demo: on an empty store (no events, no users, no demo removed before), the
 * demo goes into its own organization `demo`; `default` stays empty for real data.
 */
export async function seedFirstStartDemo(store: Store, empty: boolean): Promise<void> {
  if (!empty || env().ORGTRAIL_DEMO === "0" || (await demoWasRemoved(store.db))) return;
  let orgId: number;
  try {
    orgId = await ensureDemoOrg(store.db, DEMO_ORG);
  } catch (error) {
    if (!(error instanceof NotADemoError)) throw error;
    log(`orgtrail: not seeding the demo: ${error.message}`);
    return;
  }
  log(`orgtrail: the store is empty; seeding the demo organization "${DEMO_ORG}" (default stays empty for your data; ORGTRAIL_DEMO=0 to skip)...`);
  const summary = await seed(store, orgId);
  log(`orgtrail: demo organization ready: ${summary.users} users, ${summary.events} events (remove it with: npx orgtrail demo --remove)`);
}
