"use client";

import { Fragment, useRef, useState } from "react";
import { Button } from "@/components/ui/button";

/**
 * A shell command with a Copy button (the clipboard needs a secure context: else the text is selected for Ctrl+C).
 * On a narrow screen the Copy button goes below the command, which wraps inside its box (between words) rather than
 * scrolling out of sight.
 */
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
    <div className="flex min-w-0 flex-col gap-2 sm:flex-row sm:items-center">
      <code ref={codeRef} aria-label={label} className="min-w-0 whitespace-pre-wrap wrap-anywhere rounded-md bg-slate-900 px-3 py-2 font-mono text-xs text-slate-50 sm:flex-1">
        {/* A line breaks between words only, never at a word's hyphen ("--org"): each word is one box, broken only if wider than the line. */}
        {command.split(" ").map((word, i) => (
          <Fragment key={i}>
            {i > 0 && " "}
            <span className="inline-block max-w-full">{word}</span>
          </Fragment>
        ))}
      </code>
      <div className="flex shrink-0 items-center gap-2">
        <Button onClick={() => void copy()} aria-label={`Copy the command: ${label}`}>
          Copy
        </Button>
        <span role="status" className="w-16 text-xs text-slate-600">
          {state === "copied" ? "Copied" : state === "selected" ? "Press Ctrl+C" : ""}
        </span>
      </div>
    </div>
  );
}
