// Another process holding a SQLite store's write lock, as `orgtrail ingest` does for each batch
// (BEGIN IMMEDIATE ... COMMIT). A process, not a second connection of the test's own thread:
// a write of the test's thread that waited for the lock would then wait for ever.
import { spawn } from "node:child_process";
import { once } from "node:events";

/** Resolves once the lock is taken; `released` resolves once it is given back, `ms` later. */
export async function holdWriteLock(file: string, ms: number): Promise<{ released: Promise<void> }> {
  const holder = spawn(
    process.execPath,
    [
      "-e",
      `const db = new (require("better-sqlite3"))(process.argv[1]); db.exec("BEGIN IMMEDIATE"); console.log("locked");
       setTimeout(() => { db.exec("COMMIT"); db.close(); }, Number(process.argv[2]));`,
      file,
      String(ms),
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  const exited = once(holder, "exit").then(() => undefined);
  await once(holder.stdout!, "data");
  return { released: exited };
}

/** The event loop's longest stall (ms) between start and the call of the returned function. */
export function watchEventLoop(): () => number {
  let last = performance.now();
  let max = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    max = Math.max(max, now - last - 10);
    last = now;
  }, 10);
  return () => {
    clearInterval(timer);
    return Math.max(max, performance.now() - last - 10);
  };
}
