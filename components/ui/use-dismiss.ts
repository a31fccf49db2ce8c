"use client";

import { useEffect, type RefObject } from "react";

/**
 * Closes an open popup (menu, panel) on a pointer press outside it and its button, and, with
 * `escape`, on Escape, focus going back to the button.
 */
export function useDismiss(
  open: boolean,
  close: () => void,
  buttonRef: RefObject<HTMLElement | null>,
  panelRef: RefObject<HTMLElement | null>,
  { escape = true }: { escape?: boolean } = {},
): void {
  useEffect(() => {
    if (!open) return;
    const onPointerDown = (event: PointerEvent) => {
      const target = event.target as Node;
      if (!panelRef.current?.contains(target) && !buttonRef.current?.contains(target)) close();
    };
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== "Escape") return;
      close();
      buttonRef.current?.focus();
    };
    document.addEventListener("pointerdown", onPointerDown);
    if (escape) document.addEventListener("keydown", onKey);
    return () => {
      document.removeEventListener("pointerdown", onPointerDown);
      document.removeEventListener("keydown", onKey);
    };
  }, [open, close, buttonRef, panelRef, escape]);
}
