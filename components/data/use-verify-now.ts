"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useRef, useState } from "react";
import { ApiError, fetchResponse, withQuery } from "@/lib/fetch-json";
import { queryKeys } from "@/lib/query-keys";
import type { IntegrityCheckView, VerifyStreamLine } from "@/lib/sources/data-views";

export type VerifyState =
  | { kind: "idle" }
  | { kind: "running"; done: number; total: number | null }
  | { kind: "done"; check: IntegrityCheckView }
  | { kind: "error"; message: string };

/** POST /api/v1/data/integrity/verify, read line by line as the walk goes (progress, then the result). */
export function useVerifyNow(org: string) {
  const [state, setState] = useState<VerifyState>({ kind: "idle" });
  const busy = useRef(false);
  const queryClient = useQueryClient();

  async function start() {
    if (busy.current) return;
    busy.current = true;
    setState({ kind: "running", done: 0, total: null });
    try {
      const response = await fetchResponse(withQuery("/api/v1/data/integrity/verify", { org }), { method: "POST", headers: { accept: "application/x-ndjson" } });
      const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = "";
      let finished = false;
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let nl: number;
        while ((nl = buffer.indexOf("\n")) >= 0) {
          const text = buffer.slice(0, nl).trim();
          buffer = buffer.slice(nl + 1);
          if (!text) continue;
          const line = JSON.parse(text) as VerifyStreamLine;
          if (line.type === "progress") setState({ kind: "running", done: line.done, total: line.total });
          else if (line.type === "result") {
            finished = true;
            setState({ kind: "done", check: line.check });
          } else {
            finished = true;
            setState({ kind: "error", message: line.message });
          }
        }
      }
      if (!finished) setState({ kind: "error", message: "the server stopped answering before the verification finished" });
    } catch (error) {
      setState({ kind: "error", message: error instanceof ApiError || error instanceof Error ? error.message : "verification failed" });
    } finally {
      busy.current = false;
      void queryClient.invalidateQueries({ queryKey: queryKeys.integrity(org) });
    }
  }

  return { state, start };
}
