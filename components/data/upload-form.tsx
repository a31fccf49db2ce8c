"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useId, useRef, useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { queryKeys } from "@/lib/query-keys";
import { UploadResult, type UploadOutcome } from "./upload-result";
import { formatBytes, UploadAbortedError, uploadFile, uploadRequest, type RunningUpload } from "./upload-file";

type State =
  | { kind: "idle" }
  | { kind: "uploading"; file: string; loaded: number; total: number }
  | { kind: "done"; file: string; outcome: UploadOutcome };

const COPY = {
  events: { legend: "Audit log", input: "Audit log file (NDJSON or .gz)", button: "Upload audit log", accept: ".ndjson,.jsonl,.json,.log,.txt,.gz,application/x-ndjson,application/gzip" },
  users: { legend: "Users", input: "Users file (CSV or SCIM JSON)", button: "Upload users", accept: ".csv,.json,text/csv,application/json,application/scim+json" },
} as const;

/** One file input, its upload with a progress bar, and the server's summary. */
export function UploadForm({ kind, org }: { kind: "events" | "users"; org: string }) {
  const copy = COPY[kind];
  const id = useId();
  const inputRef = useRef<HTMLInputElement>(null);
  const running = useRef<RunningUpload | null>(null);
  const [state, setState] = useState<State>({ kind: "idle" });
  const [chosen, setChosen] = useState<string | null>(null);
  const queryClient = useQueryClient();

  async function submit(e: FormEvent) {
    e.preventDefault();
    const file = inputRef.current?.files?.[0];
    if (!file || state.kind === "uploading") return;
    setState({ kind: "uploading", file: file.name, loaded: 0, total: file.size });
    try {
      const { url, headers } = await uploadRequest(kind, file, org);
      const upload = uploadFile(url, file, headers, (p) => setState({ kind: "uploading", file: file.name, loaded: p.loaded, total: p.total }));
      running.current = upload;
      const answer = await upload.promise;
      setState({ kind: "done", file: file.name, outcome: { kind, status: answer.status, body: answer.body } });
    } catch (error) {
      const message = error instanceof UploadAbortedError ? "Upload cancelled. Lines already stored stay stored; uploading the file again is safe (duplicates are skipped)." : error instanceof Error ? error.message : "upload failed";
      setState({ kind: "done", file: file.name, outcome: { kind, status: 0, body: { error: { code: "client", message } } } });
    } finally {
      running.current = null;
      // Whatever happened, some lines may be stored: every number on the page is read again.
      void queryClient.invalidateQueries({ queryKey: queryKeys.data() });
      void queryClient.invalidateQueries({ queryKey: ["users"] });
      void queryClient.invalidateQueries({ queryKey: ["activity"] });
      void queryClient.invalidateQueries({ queryKey: ["panel"] });
    }
  }

  const busy = state.kind === "uploading";
  const pct = busy ? (state.total > 0 ? Math.min(100, Math.round((state.loaded / state.total) * 100)) : 0) : 100;

  return (
    <form onSubmit={(e) => void submit(e)} className="rounded-md border border-slate-200 p-4" aria-labelledby={`${id}-legend`}>
      <h3 id={`${id}-legend`} className="mb-2 text-sm font-semibold text-slate-900">
        {copy.legend}
      </h3>
      {/*
        The native picker's "No file chosen" is cut to "N…" on a narrow screen: the input is visually hidden (still
        focused by Tab and opened by Space or Enter), its label is the button the eye sees, and the file's name has a
        line of its own below 640 px (beside the buttons, as before, on wider screens).
      */}
      <div className="relative flex flex-wrap items-center gap-2">
        <input
          ref={inputRef}
          id={`${id}-file`}
          type="file"
          accept={copy.accept}
          disabled={busy}
          aria-describedby={`${id}-chosen`}
          onChange={(e) => setChosen(e.target.files?.[0]?.name ?? null)}
          className="peer sr-only"
        />
        <label
          htmlFor={`${id}-file`}
          data-testid="choose-file"
          className="inline-flex shrink-0 cursor-pointer items-center whitespace-nowrap rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-800 hover:bg-slate-50 peer-focus-visible:outline-2 peer-focus-visible:outline-offset-2 peer-focus-visible:outline-indigo-600 peer-disabled:cursor-not-allowed peer-disabled:text-slate-500 peer-disabled:hover:bg-white"
        >
          Choose file…<span className="sr-only"> {copy.input}</span>
        </label>
        <span
          id={`${id}-chosen`}
          data-testid="chosen-file"
          title={chosen ?? undefined}
          className={`order-last min-w-0 basis-full text-sm wrap-anywhere sm:order-none sm:basis-0 sm:flex-1 ${chosen ? "text-slate-800" : "text-slate-600"}`}
        >
          {chosen ?? "No file chosen"}
        </span>
        <Button type="submit" variant="primary" disabled={busy || !chosen}>
          {copy.button}
        </Button>
        {busy && (
          <Button onClick={() => running.current?.abort()} aria-label={`Cancel the ${copy.legend.toLowerCase()} upload`}>
            Cancel
          </Button>
        )}
      </div>
      {state.kind !== "idle" && (
        <div className="mt-3">
          <div
            role="progressbar"
            aria-label={`${copy.legend} upload progress`}
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={pct}
            aria-valuetext={busy ? `${pct}% (${formatBytes(state.loaded)} of ${formatBytes(state.total)})` : "done"}
            className="h-2 w-full overflow-hidden rounded bg-slate-200"
          >
            <div className={`h-full ${state.kind === "done" && state.outcome.status !== 200 ? "bg-red-600" : "bg-indigo-600"} transition-[width]`} style={{ width: `${pct}%` }} />
          </div>
          <p className="mt-1 text-xs text-slate-600" aria-live="polite">
            {busy
              ? state.loaded < state.total
                ? `Uploading ${state.file}: ${pct}% (${formatBytes(state.loaded)} of ${formatBytes(state.total)})`
                : `Uploaded ${state.file}; the server is storing the last lines…`
              : `${state.file}: finished`}
          </p>
        </div>
      )}
      {state.kind === "done" && <UploadResult outcome={state.outcome} />}
    </form>
  );
}
