"use client";

import { useQuery } from "@tanstack/react-query";
import type { UserDetail } from "@/lib/activity/types";
import { fetchJson, withQuery } from "@/lib/fetch-json";
import { queryKeys } from "@/lib/query-keys";

/** GET /api/v1/users/[id]: the user page's data. */
export function useUserDetailQuery(org: string, id: number | null, asOf?: string) {
  return useQuery({
    queryKey: queryKeys.userDetail(org, id ?? 0, asOf),
    enabled: id !== null,
    queryFn: ({ signal }) => fetchJson<UserDetail>(withQuery(`/api/v1/users/${id}`, { org, asOf }), { signal }),
  });
}
