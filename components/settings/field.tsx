import type { InputHTMLAttributes } from "react";

const inputClass =
  "block w-full rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm focus:border-indigo-600 focus:outline-none focus:ring-2 focus:ring-indigo-600/30 disabled:bg-slate-100";

/** A labelled text input with an optional hint below it. */
export function TextField({ id, label, hint, className = "", ...props }: InputHTMLAttributes<HTMLInputElement> & { id: string; label: string; hint?: string }) {
  return (
    <div className={`space-y-1 ${className}`}>
      <label htmlFor={id} className="block text-sm font-medium text-slate-800">
        {label}
      </label>
      <input id={id} className={inputClass} aria-describedby={hint ? `${id}-hint` : undefined} {...props} />
      {hint && (
        <p id={`${id}-hint`} className="text-xs text-slate-600">
          {hint}
        </p>
      )}
    </div>
  );
}

export function StatusLine({ error, success }: { error?: unknown; success?: string }) {
  if (error) {
    return (
      <p role="alert" className="text-sm text-red-800">
        {error instanceof Error ? error.message : "Something went wrong."}
      </p>
    );
  }
  if (success) {
    return (
      <p role="status" className="text-sm text-emerald-800">
        {success}
      </p>
    );
  }
  return null;
}
