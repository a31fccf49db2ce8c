"use client";

import { useSearchParams } from "next/navigation";
import { useCallback } from "react";

/**
 * The explorer's query lives in the URL (`?q=`): shareable, and each new query is a history
 * entry, so the back button returns to the previous one. history.pushState is folded into
 * useSearchParams by Next without a server round trip; the other parameters (`org`) are kept.
 */
export function useExplorerQueryParam(): [string, (q: string) => void] {
  const search = useSearchParams();
  const q = search.get("q") ?? "";
  const setQ = useCallback((next: string) => {
    const params = new URLSearchParams(window.location.search);
    const text = next.trim();
    if (text) params.set("q", text);
    else params.delete("q");
    const qs = params.toString();
    const url = `${window.location.pathname}${qs ? `?${qs}` : ""}`;
    if (url !== `${window.location.pathname}${window.location.search}`) window.history.pushState(null, "", url);
  }, []);
  return [q, setQ];
}
