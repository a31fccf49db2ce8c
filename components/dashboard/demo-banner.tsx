"use client";

import { useAccountOrgs, useOrgSlug } from "./org-context";

/** The command that connects a real platform (README "Connect a platform"). */
export const CONNECT_COMMAND = "npx orgtrail pull --url https://YOUR-WANDB-HOST --username YOU --api-key YOUR-API-KEY";

/** Shown on a demo organization only: its numbers are generated, and how to get real ones. */
export function DemoBanner() {
  const org = useOrgSlug();
  const demo = useAccountOrgs().find((o) => o.slug === org && o.demo);
  if (!demo) return null;
  return (
    <section aria-label="Demo data" className="border-b border-amber-300 bg-amber-50">
      <div className="mx-auto flex max-w-[1400px] flex-wrap items-center gap-x-3 gap-y-1 px-6 py-2 text-sm text-amber-950">
        <span className="rounded bg-amber-200 px-1.5 py-0.5 text-xs font-semibold uppercase tracking-wide text-amber-950">Demo data</span>
        <span>
          The organization <strong>{demo.slug}</strong> holds generated events, not your platform&apos;s. Connect a real platform into <strong>default</strong>:
        </span>
        <code className="rounded bg-white px-1.5 py-0.5 font-mono text-xs text-slate-900 ring-1 ring-amber-300">{CONNECT_COMMAND}</code>
        <span className="text-amber-900">
          (remove the demo: <code className="font-mono text-xs">npx orgtrail demo --remove</code>)
        </span>
      </div>
    </section>
  );
}
