import type { ReactNode } from "react";
import type { AuditEvent } from "./use-explorer-queries";

const text = (v: unknown): string | null => (typeof v === "string" && v !== "" ? v : typeof v === "number" ? String(v) : null);

/** `2026-03-31 01:30:05` from the stored RFC3339 UTC timestamp (the header says UTC). */
export function eventTime(e: AuditEvent): string {
  return e.timestamp.replace("T", " ").replace(/(\.\d+)?Z$/, "");
}

/** Who did it: the actor's email, else the platform user id. */
export const eventActor = (e: AuditEvent) => text(e.actor_email) ?? text(e.actor_user_id);

/** What it was done to: a user, else an artifact, a report or a project. */
export const eventTarget = (e: AuditEvent) =>
  text(e.user_email) ?? text(e.user_asset) ?? text(e.artifact_qualified_name) ?? text(e.report_name) ?? text(e.artifact_asset) ?? text(e.report_asset);

export const eventScope = (e: AuditEvent) => [text(e.entity_name), text(e.project_name)].filter((v) => v !== null).join(" / ") || null;

export interface EventColumn {
  id: string;
  header: string;
  /** Width in px. */
  size: number;
  cell: (e: AuditEvent) => ReactNode;
  className?: string;
}

function None() {
  return (
    <>
      <span aria-hidden="true" className="text-slate-400">
        –
      </span>
      <span className="sr-only">none</span>
    </>
  );
}

function textCell(get: (e: AuditEvent) => string | null): (e: AuditEvent) => ReactNode {
  return function TextCell(e: AuditEvent) {
    const v = get(e);
    return v === null ? <None /> : <span title={v}>{v}</span>;
  };
}

/** The table's columns after the expand toggle: time, actor, action, target, entity/project, status, IP. */
export const EVENT_COLUMNS: EventColumn[] = [
  { id: "time", header: "Time (UTC)", size: 160, cell: (e) => <time dateTime={e.timestamp}>{eventTime(e)}</time>, className: "font-mono text-xs tabular-nums" },
  { id: "actor", header: "Actor", size: 190, cell: textCell(eventActor) },
  { id: "action", header: "Action", size: 160, cell: textCell((e) => e.action), className: "font-mono text-xs" },
  { id: "target", header: "Target", size: 180, cell: textCell(eventTarget) },
  { id: "scope", header: "Entity / project", size: 170, cell: textCell(eventScope) },
  {
    id: "status",
    header: "Status",
    size: 64,
    cell: (e) => {
      const code = typeof e.response_code === "number" ? e.response_code : null;
      if (code === null) return <None />;
      return <span className={code >= 400 ? "font-semibold text-red-800" : ""}>{code}</span>;
    },
    className: "tabular-nums",
  },
  { id: "ip", header: "IP", size: 120, cell: textCell((e) => text(e.actor_ip)), className: "font-mono text-xs" },
];
