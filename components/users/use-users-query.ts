"use client";

import { useQuery } from "@tanstack/react-query";
import type { UsersResponse } from "@/lib/activity/types";
import { fetchJson } from "@/lib/fetch-json";
import { queryKeys } from "@/lib/query-keys";
import { useOrgSlug } from "@/components/dashboard/org-context";
import { usersUrl } from "./users-url";

export function useUsersQuery(asOf?: string) {
  const org = useOrgSlug();
  return useQuery({
    queryKey: queryKeys.users(org, asOf),
    queryFn: ({ signal }) => fetchJson<UsersResponse>(usersUrl(org, asOf), { signal }),
  });
}
