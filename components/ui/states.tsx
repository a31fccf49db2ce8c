import type { ReactNode } from "react";
import { ApiError } from "@/lib/fetch-json";
import { Button } from "./button";

export function Skeleton({ className = "" }: { className?: string }) {
  return <div aria-hidden="true" className={`animate-pulse rounded bg-slate-200 ${className}`} />;
}

/** A region that is loading: announced once, drawn as grey blocks. */
export function LoadingBlock({ label, className = "" }: { label: string; className?: string }) {
  return (
    <div role="status" className={`flex flex-col gap-2 ${className}`}>
      <span className="sr-only">{label}</span>
      <Skeleton className="h-full min-h-6 w-full" />
    </div>
  );
}

export function EmptyState({ children, className = "" }: { children: ReactNode; className?: string }) {
  return (
    <div className={`flex items-center justify-center rounded-md border border-dashed border-slate-300 p-6 text-center text-sm text-slate-600 ${className}`}>
      {children}
    </div>
  );
}

export function ErrorState({ error, onRetry, what, className = "" }: { error: unknown; onRetry: () => void; what: string; className?: string }) {
  const expired = error instanceof ApiError && error.status === 401;
  const message = error instanceof Error ? error.message : "unknown error";
  return (
    <div
      role="alert"
      className={`flex flex-col items-center justify-center gap-3 rounded-md border border-red-200 bg-red-50 p-6 text-center text-sm text-red-900 ${className}`}
    >
      <p>
        Could not load {what}: {message}
      </p>
      {expired ? (
        <a href="/signin" className="font-medium underline">
          Sign in again
        </a>
      ) : (
        <Button onClick={onRetry}>Retry</Button>
      )}
    </div>
  );
}

export function Card({ title, actions, children, className = "" }: { title: string; actions?: ReactNode; children: ReactNode; className?: string }) {
  return (
    <section aria-label={title} className={`rounded-lg border border-slate-200 bg-white p-5 shadow-sm ${className}`}>
      <div className="mb-4 flex min-h-8 flex-wrap items-center justify-between gap-3">
        <h2 className="text-base font-semibold text-slate-900">{title}</h2>
        {actions}
      </div>
      {children}
    </section>
  );
}
