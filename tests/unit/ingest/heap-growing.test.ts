// `orgtrail ingest` bounds V8's heap growth after the process has started
// (v8.setFlagsFromString("--heap-growing-percent=…"), bin/cli.ts INGEST_HEAP_GROWING_PERCENT):
// that holds only while V8 reads the flag at every collection and Node leaves its flags
// writable after start. A Node upgrade that changed either would lose ~80 MB of the ingest's
// memory goal silently; this says so.
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";

/** Peak heap (MB) of a process that keeps ~16 MB of batches alive while it allocates ~1 GB. */
function peakHeapMb(setFlag: boolean): number {
  const script = `
    const v8 = require("node:v8");
    ${setFlag ? 'v8.setFlagsFromString("--heap-growing-percent=50");' : ""}
    const live = [];
    let peak = 0;
    for (let round = 0; round < 120; round++) {
      const batch = [];
      for (let i = 0; i < 10000; i++) batch.push({ body: "x".repeat(40) + i, n: [i, String(i)] });
      live.push(batch);
      if (live.length > 4) live.shift();
      peak = Math.max(peak, v8.getHeapStatistics().total_heap_size);
    }
    process.stdout.write(String(Math.round(peak / 1048576)));
  `;
  const r = spawnSync(process.execPath, ["-e", script], { encoding: "utf8" });
  expect(r.status, r.stderr).toBe(0);
  return Number(r.stdout);
}

describe("the ingest's bound on heap growth", () => {
  it("takes when set after the process started", () => {
    const unbounded = peakHeapMb(false);
    const bounded = peakHeapMb(true);
    expect(bounded).toBeLessThan(unbounded * 0.75);
  }, 60_000);
});
