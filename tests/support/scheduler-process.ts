// One "server" for the leadership test (tests/integration/jobs-failover.test.ts): opens the
// store and runs the real scheduler with one job that records each run, until it is killed.
//   node --import tsx/esm tests/support/scheduler-process.ts <store-url> <holder> <intervalMs> <leaseTtlMs>
import { sql } from "kysely";
import { openStore } from "../../lib/db/client";
import { startScheduler } from "../../lib/jobs/scheduler";

const [url, holder, interval, ttl] = process.argv.slice(2);
if (!url || !holder || !interval || !ttl) throw new Error("usage: scheduler-process.ts <store-url> <holder> <intervalMs> <leaseTtlMs>");
const store = await openStore(url);
startScheduler(
  store,
  [
    {
      name: "tick",
      intervalMs: Number(interval),
      async run() {
        const started = Date.now();
        await new Promise((r) => setTimeout(r, 50));
        await sql`INSERT INTO leader_runs (holder, started_at, ended_at) VALUES (${holder}, ${started}, ${Date.now()})`.execute(store.db);
      },
    },
  ],
  { holder, leaseTtlMs: Number(ttl) },
);
process.stdout.write("ready\n");
setInterval(() => undefined, 60_000); // stays up until killed
