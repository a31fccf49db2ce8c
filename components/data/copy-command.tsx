"use client";

import { useRef, useState } from "react";
import { Button } from "@/components/ui/button";

/** A shell command with a Copy button (the clipboard needs a secure context: else the text is selected for Ctrl+C). */
export function CopyCommand({ command, label }: { command: string; label: string }) {
  const [state, setState] = useState<"idle" | "copied" | "selected">("idle");
  const codeRef = useRef<HTMLElement>(null);

  async function copy() {
    try {
      await navigator.clipboard.writeText(command);
      setState("copied");
    } catch {
      const code = codeRef.current;
      if (code) window.getSelection()?.selectAllChildren(code);
      setState("selected");
    }
  }

  return (
    <div className="flex min-w-0 items-center gap-2">
      <code ref={codeRef} aria-label={label} className="min-w-0 flex-1 overflow-x-auto whitespace-nowrap rounded-md bg-slate-900 px-3 py-2 font-mono text-xs text-slate-50">
        {command}
      </code>
      <Button onClick={() => void copy()} aria-label={`Copy the command: ${label}`}>
        Copy
      </Button>
      <span role="status" className="w-16 shrink-0 text-xs text-slate-600">
        {state === "copied" ? "Copied" : state === "selected" ? "Press Ctrl+C" : ""}
      </span>
    </div>
  );
}
