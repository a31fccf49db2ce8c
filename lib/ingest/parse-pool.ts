/**
 * The worker-thread pool of parallel parsing (lib/ingest/parallel-parse.ts). Imported only by
 * the CLI and tests: the server bundle never parses in workers, and must not trace the
 * worker entry (it loads tsx).
 */
import { Worker } from "node:worker_threads";
import type { PlausibleWindow } from "../audit/plausible";
import type { Deployment } from "../env";
import { cutUnits, type Cut, type ParallelParser, type ParsedUnit, type ParseUnit } from "./parallel-parse";

/**
 * Units in flight: 32 × 512 KiB, about two CLI batches of events (bin/cli.ts): bounded
 * memory, and enough parsed ahead that the writer never waits for a unit (16 measured 5–10%
 * slower at 5M events, docs/PERFORMANCE.md "The write path, phase 2").
 */
const DEFAULT_IN_FLIGHT = 32;

/**
 * A worker holds at most the units in flight (each ≤ 512 KiB of lines plus one line of at most
 * 64 KiB) and what it parses them into, a few MiB: small heaps keep the process's memory
 * bounded (issue 14's goal for the CLI ingest, docs/PERFORMANCE.md) at no measured cost.
 */
const WORKER_LIMITS = { maxOldGenerationSizeMb: 64, maxYoungGenerationSizeMb: 8 };

interface Pending {
  resolve: (u: ParsedUnit) => void;
  reject: (e: Error) => void;
}

/**
 * Parses the stream in `workers` threads and yields the units in input order. At most
 * `maxInFlight` units are in flight (bounded memory); stopping early terminates the workers.
 */
export async function* parseInWorkers(
  chunks: AsyncIterable<Uint8Array>,
  options: { workers: number; deployment: Deployment; maxLineBytes: number; window: PlausibleWindow; unitBytes?: number; maxInFlight?: number },
): AsyncGenerator<ParsedUnit> {
  const workerUrl = new URL("./parse-worker.mjs", import.meta.url);
  const pool = Array.from({ length: Math.max(1, options.workers) }, () => {
    const worker = new Worker(workerUrl, { resourceLimits: WORKER_LIMITS });
    const pending = new Map<number, Pending>();
    const entry = { worker, pending, dead: null as Error | null };
    const fail = (error: Error) => {
      entry.dead ??= error;
      for (const p of pending.values()) p.reject(error);
      pending.clear();
    };
    worker.on("message", (msg: ParsedUnit | { id: number; failure: string }) => {
      const p = pending.get(msg.id);
      pending.delete(msg.id);
      if ("failure" in msg) p?.reject(new Error(`parse worker failed: ${msg.failure}`));
      else p?.resolve(msg);
    });
    worker.on("error", fail);
    worker.on("exit", (code) => fail(new Error(`parse worker exited (code ${code})`)));
    return entry;
  });
  // The consumer writes a whole batch (tens of thousands of events) synchronously, during
  // which this thread can neither hand out units nor take results: enough units must already
  // be in the workers' queues to keep them parsing meanwhile (~16 MiB of input at most).
  const maxInFlight = Math.max(pool.length * 2, options.maxInFlight ?? DEFAULT_IN_FLIGHT);
  const results: Promise<ParsedUnit>[] = [];
  let produced = 0;
  let consumed = 0;
  let done = false;
  let stopped = false;
  let producerError: unknown = null;
  const waiting = new Set<() => void>();
  const notify = () => {
    for (const w of waiting) w();
    waiting.clear();
  };
  const waitForChange = () => new Promise<void>((resolve) => waiting.add(resolve));

  const dispatch = (cut: Cut, id: number): Promise<ParsedUnit> => {
    if ("longLine" in cut) {
      return Promise.resolve({
        id,
        lines: 1,
        lastLine: 1,
        bytes: cut.longLine + 1,
        skipped: 0,
        rejects: [1, `line is longer than ${options.maxLineBytes} bytes`, cut.prefix, cut.longLine],
        events: [],
      });
    }
    const target = pool.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
    if (target.dead) return Promise.reject(target.dead);
    const unit: ParseUnit = {
      id,
      bytes: cut.bytes,
      first: cut.first,
      deployment: options.deployment,
      maxLineBytes: options.maxLineBytes,
      window: options.window,
    };
    const promise = new Promise<ParsedUnit>((resolve, reject) => target.pending.set(id, { resolve, reject }));
    target.worker.postMessage(unit, [cut.bytes.buffer as ArrayBuffer]);
    return promise;
  };

  void (async () => {
    try {
      for await (const cut of cutUnits(chunks, options.maxLineBytes, options.unitBytes)) {
        while (!stopped && produced - consumed >= maxInFlight) await waitForChange();
        if (stopped) return;
        const p = dispatch(cut, produced++);
        p.catch(() => {}); // observed by the consumer in order
        results.push(p);
        notify();
      }
    } catch (error) {
      producerError = error;
    } finally {
      done = true;
      notify();
    }
  })();

  try {
    for (;;) {
      while (consumed >= results.length && !done) await waitForChange();
      if (consumed >= results.length) {
        if (producerError !== null) throw producerError;
        break;
      }
      const unit = await results[consumed]!;
      results[consumed] = undefined as unknown as Promise<ParsedUnit>; // let it be collected
      consumed++;
      notify();
      yield unit;
    }
  } finally {
    // The producer sees `stopped` at its next cut and closes the input; it is not awaited, so a
    // stalled input (stdin) cannot hold up an error.
    stopped = true;
    notify();
    await Promise.all(pool.map((p) => p.worker.terminate()));
  }
}

/** The `parallel` option of ingestNdjson: parse in `workers` threads (units of `unitBytes`, at most `maxInFlight` at once). */
export function workerParser(workers: number, unitBytes?: number, maxInFlight?: number): ParallelParser {
  return (chunks, o) => parseInWorkers(chunks, { ...o, workers, unitBytes, maxInFlight });
}
