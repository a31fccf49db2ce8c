"use client";

import { useEffect, useId, useRef, useState, type CSSProperties } from "react";
import type { UserRow } from "@/lib/activity/types";
import { formatDate, formatNumber, formatTimestamp } from "@/components/format";

export function LastActiveLabel({ user, multiTenant }: { user: UserRow; multiTenant: boolean }) {
  if (user.status === "deactivated") return <>Deactivated</>;
  if (user.status === "invite_pending") return <>Invite pending</>;
  if (user.status === "active" && user.lastActive) return <time dateTime={user.lastActive}>{formatTimestamp(user.lastActive)}</time>;
  return (
    <>
      <span aria-hidden="true">-</span>
      <span className="sr-only">{multiTenant && !user.lastActive ? "Not yet active" : "Not active in the last six months"}</span>
    </>
  );
}

/**
 * The Last Active value with a tooltip (date added, total active days) on hover or keyboard
 * focus. The tooltip is positioned `fixed` so the table's scroll box cannot clip it.
 */
export function LastActiveCell({ user, multiTenant }: { user: UserRow; multiTenant: boolean }) {
  const id = useId();
  const triggerRef = useRef<HTMLSpanElement>(null);
  const [position, setPosition] = useState<CSSProperties | null>(null);
  const open = position !== null;

  function show() {
    const rect = triggerRef.current?.getBoundingClientRect();
    if (!rect) return;
    const below = rect.bottom + 72 < window.innerHeight;
    setPosition(below ? { top: rect.bottom + 6, left: rect.left } : { bottom: window.innerHeight - rect.top + 6, left: rect.left });
  }
  const hide = () => setPosition(null);

  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => e.key === "Escape" && setPosition(null);
    const onScroll = () => setPosition(null);
    window.addEventListener("keydown", onKey);
    window.addEventListener("scroll", onScroll, true);
    return () => {
      window.removeEventListener("keydown", onKey);
      window.removeEventListener("scroll", onScroll, true);
    };
  }, [open]);

  return (
    <span className="block" onMouseEnter={show} onMouseLeave={hide}>
      <span
        ref={triggerRef}
        tabIndex={0}
        aria-describedby={`${id}-tip`}
        onFocus={show}
        onBlur={hide}
        className="rounded-sm border-b border-dotted border-slate-400 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600"
      >
        <LastActiveLabel user={user} multiTenant={multiTenant} />
      </span>
      <span
        role="tooltip"
        id={`${id}-tip`}
        hidden={!open}
        style={position ?? undefined}
        className="pointer-events-none fixed z-40 block w-max rounded-md bg-slate-900 px-3 py-2 text-xs leading-5 text-white shadow-lg"
      >
        <span className="block">Date added: {user.addedAt ? formatDate(user.addedAt) : "unknown"}</span>
        <span className="block">Total active days: {formatNumber(user.activeDays)}</span>
      </span>
    </span>
  );
}
