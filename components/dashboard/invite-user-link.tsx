"use client";

import { useDashboardContext } from "./dashboard-context";

function ExternalIcon() {
  return (
    <svg aria-hidden="true" viewBox="0 0 20 20" className="h-3.5 w-3.5" fill="none" stroke="currentColor" strokeWidth="2">
      <path d="M11 4h5v5M16 4l-7 7M14 12v4H4V6h4" strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  );
}

/**
 * "Invite new user": invitations are sent by the platform, so this links to its own page when the
 * upstream URL is known (docs/DASHBOARD.md), and is absent otherwise.
 */
export function InviteUserLink() {
  const { inviteUrl } = useDashboardContext();
  if (!inviteUrl) return null;
  return (
    <a
      href={inviteUrl}
      target="_blank"
      rel="noopener noreferrer"
      className="inline-flex items-center justify-center gap-1.5 rounded-md bg-indigo-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600"
    >
      Invite new user
      <span className="sr-only"> (opens the platform in a new tab)</span>
      <ExternalIcon />
    </a>
  );
}
