"use client";

import { useQuery } from "@tanstack/react-query";
import type { UsersResponse } from "@/lib/activity/types";
import { fetchJson } from "@/lib/fetch-json";
import { queryKeys } from "@/lib/query-keys";
import { usersUrl } from "./users-url";

export function useUsersQuery(asOf?: string) {
  return useQuery({
    queryKey: queryKeys.users(asOf),
    queryFn: ({ signal }) => fetchJson<UsersResponse>(usersUrl(asOf), { signal }),
  });
}
