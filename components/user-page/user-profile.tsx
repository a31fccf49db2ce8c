import type { ReactNode } from "react";
import type { ListedUser } from "@/lib/activity/types";
import { formatDate, formatNumber } from "@/components/format";
import { LastActiveLabel } from "@/components/users/last-active-cell";

const collator = new Intl.Collator("en", { sensitivity: "base", numeric: true });

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="grid grid-cols-[9rem_minmax(0,1fr)] gap-3 border-b border-slate-100 py-1.5 last:border-0">
      <dt className="text-sm text-slate-600">{label}</dt>
      <dd className="m-0 text-sm break-words text-slate-900">{children}</dd>
    </div>
  );
}

const orDash = (v: string | null) => v || <span className="text-slate-500">–</span>;

// The labels of STATUS_LABELS (lib/activity/types.ts, which imports zod: not loaded here).
const STATUS_LABEL: Record<ListedUser["status"], string> = {
  active: "Active",
  invite_pending: "Invite pending",
  deactivated: "Deactivated",
  inactive: "Inactive",
};

const STATUS_BADGE: Record<ListedUser["status"], string> = {
  active: "bg-emerald-50 text-emerald-900 ring-emerald-200",
  inactive: "bg-slate-100 text-slate-800 ring-slate-200",
  invite_pending: "bg-amber-50 text-amber-950 ring-amber-200",
  deactivated: "bg-red-50 text-red-900 ring-red-200",
};

export function StatusBadge({ status }: { status: ListedUser["status"] }) {
  return (
    <span className={`inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${STATUS_BADGE[status]}`}>
      {STATUS_LABEL[status]}
    </span>
  );
}

/**
 * The directory's fields, status, last active, date added and active days of one user, each
 * shown as the Users tab shows it (the same labels, formats and tooltip values). Renders props.
 */
export function UserProfile({ user, multiTenant }: { user: ListedUser; multiTenant: boolean }) {
  return (
    <dl className="m-0">
      <Field label="Name">{orDash(user.name)}</Field>
      <Field label="Username">{orDash(user.username)}</Field>
      <Field label="Email">{orDash(user.email)}</Field>
      <Field label="Role">{orDash(user.role)}</Field>
      <Field label="Teams">{orDash(user.teams.length ? [...user.teams].sort(collator.compare).join(", ") : null)}</Field>
      <Field label="Status">
        <StatusBadge status={user.status} />
      </Field>
      <Field label="Last active">
        <LastActiveLabel user={user} multiTenant={multiTenant} />
      </Field>
      <Field label="Date added">{user.addedAt ? formatDate(user.addedAt) : "unknown"}</Field>
      <Field label="Number of active days">
        <span className="tabular-nums">{formatNumber(user.activeDays)}</span>
      </Field>
      <Field label="Reports">
        <span className="tabular-nums">{formatNumber(user.reports)}</span>
      </Field>
      <Field label="Runs">
        <span className="tabular-nums">{formatNumber(user.runs)}</span>
      </Field>
      <Field label="Models seat">{orDash(user.modelsSeat)}</Field>
    </dl>
  );
}
