"use client";

import { useQuery } from "@tanstack/react-query";
import type { UsersResponse } from "@/lib/activity/types";
import { fetchJson, withQuery } from "@/lib/fetch-json";
import { queryKeys } from "@/lib/query-keys";

export function useUsersQuery(asOf?: string) {
  return useQuery({
    queryKey: queryKeys.users(asOf),
    queryFn: ({ signal }) => fetchJson<UsersResponse>(withQuery("/api/v1/users", { asOf }), { signal }),
  });
}
