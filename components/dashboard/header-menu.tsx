"use client";

import { useCallback, useId, useRef, useState } from "react";
import { useDismiss } from "@/components/ui/use-dismiss";
import { SignOutButton } from "@/components/auth/sign-out-button";
import { RoleGate, type HeaderLink } from "./header-links";
import { OrgLink } from "./org-switcher";

/** The header on a small screen: a "Menu" button opening the links, the account and Sign out. */
export function HeaderMenu({ links, username, className = "" }: { links: HeaderLink[]; username: string; className?: string }) {
  const [open, setOpen] = useState(false);
  const close = useCallback(() => setOpen(false), []);
  const id = useId();
  const buttonRef = useRef<HTMLButtonElement>(null);
  const panelRef = useRef<HTMLDivElement>(null);

  useDismiss(open, close, buttonRef, panelRef);

  return (
    <div className={className}>
      <button
        ref={buttonRef}
        type="button"
        aria-expanded={open}
        aria-controls={open ? `${id}-menu` : undefined}
        onClick={() => setOpen(!open)}
        className="inline-flex h-9 items-center gap-2 rounded-md border border-slate-300 bg-white px-3 text-sm font-medium text-slate-800 hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600"
      >
        <svg aria-hidden="true" viewBox="0 0 20 20" className="h-4 w-4" fill="currentColor">
          <rect x="3" y="5" width="14" height="1.8" rx="0.9" />
          <rect x="3" y="9.1" width="14" height="1.8" rx="0.9" />
          <rect x="3" y="13.2" width="14" height="1.8" rx="0.9" />
        </svg>
        Menu
      </button>
      {/* Rendered only while open: the account and Sign out are in the page once (the bar's copy is hidden below 1024 px). */}
      {open && (
        <div ref={panelRef} id={`${id}-menu`} className="absolute inset-x-0 top-full z-40 border-b border-slate-200 bg-white px-4 py-3 shadow-lg">
          {links.length > 0 && (
            <nav aria-label="Main" className="flex flex-col">
              {links.map((link) => (
                <RoleGate key={link.href} adminOnly={link.adminOnly}>
                  <OrgLink
                    href={link.href}
                    className="rounded-md px-2 py-2.5 text-sm text-slate-800 hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-offset-[-2px] focus-visible:outline-indigo-600"
                  >
                    {link.label}
                  </OrgLink>
                </RoleGate>
              ))}
            </nav>
          )}
          <div className="mt-2 flex items-center justify-between gap-3 border-t border-slate-100 pt-3 text-sm">
            <span className="truncate text-slate-700">
              <span className="sr-only">Signed in as </span>
              {username}
            </span>
            <SignOutButton />
          </div>
        </div>
      )}
    </div>
  );
}
