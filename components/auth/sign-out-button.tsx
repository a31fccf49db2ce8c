"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { Button } from "@/components/ui/button";

export function SignOutButton() {
  const router = useRouter();
  const [pending, setPending] = useState(false);
  async function signOut() {
    setPending(true);
    try {
      await fetch("/api/v1/session", { method: "DELETE", credentials: "same-origin" });
    } finally {
      // Leaving the (dashboard) layout unmounts its QueryClient, and with it every cached answer.
      router.replace("/signin");
      router.refresh();
    }
  }
  return (
    <Button onClick={signOut} disabled={pending}>
      {pending ? "Signing out…" : "Sign out"}
    </Button>
  );
}
