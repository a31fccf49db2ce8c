"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { AlertRules } from "@/lib/alerts/rules";
import type { NotificationSettings, SlackAppInput } from "@/lib/alerts/settings-view";
import { fetchJson, withQuery } from "@/lib/fetch-json";
import { queryKeys } from "@/lib/query-keys";
import { useOrgSlug } from "@/components/dashboard/org-context";

const BASE = "/api/v1/settings/notifications";
/** A settings route of the organization on screen (`org=SLUG`). */
const url = (org: string | undefined, path = "") => withQuery(`${BASE}${path}`, { org });
const json = (method: string, body?: unknown): RequestInit => ({
  method,
  headers: { "content-type": "application/json", accept: "application/json" },
  body: body === undefined ? undefined : JSON.stringify(body),
});

export function useNotificationSettingsQuery() {
  const org = useOrgSlug();
  return useQuery({
    queryKey: queryKeys.notificationSettings(org),
    queryFn: ({ signal }) => fetchJson<NotificationSettings>(url(org), { signal }),
    staleTime: 5_000,
  });
}

function useSettingsMutation<T>(request: (org: string | undefined, input: T) => Promise<unknown>) {
  const client = useQueryClient();
  const org = useOrgSlug();
  return useMutation({
    mutationFn: (input: T) => request(org, input),
    onSuccess: () => client.invalidateQueries({ queryKey: queryKeys.notificationSettings(org) }),
  });
}

export const useSaveSlackApp = () => useSettingsMutation((org, input: SlackAppInput) => fetchJson(url(org, "/slack-app"), json("PUT", input)));
export const useSaveRules = () => useSettingsMutation((org, rules: AlertRules) => fetchJson(url(org, "/rules"), json("PUT", rules)));
export const useDisconnectSlack = () => useSettingsMutation((org) => fetchJson(url(org, "/slack-webhook"), json("DELETE")));
export const useSendTestMessage = () => useSettingsMutation((org) => fetchJson(url(org, "/test"), json("POST")));
