"use client";

import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";
import { z } from "zod";
import { ApiError } from "@/lib/fetch-json";

// zod compiles object schemas with `new Function` after probing whether eval is allowed; the
// page's Content-Security-Policy forbids it (no 'unsafe-eval', lib/web/csp.ts), and even the
// probe is reported as a violation. In the browser, parse without compiling.
if (typeof window !== "undefined") z.config({ jitless: true });

function makeQueryClient() {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 60_000,
        refetchOnWindowFocus: false,
        // Client errors (401, 403, 400) will not fix themselves; retry only server trouble.
        retry: (failures, error) => failures < 2 && !(error instanceof ApiError && error.status < 500),
      },
    },
  });
}

/** One QueryClient per browser tab, created on first render (never at module level). */
export function Providers({ children }: { children: ReactNode }) {
  const [client] = useState(makeQueryClient);
  return <QueryClientProvider client={client}>{children}</QueryClientProvider>;
}
