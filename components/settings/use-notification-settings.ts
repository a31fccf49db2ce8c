"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { AlertRules } from "@/lib/alerts/rules";
import type { NotificationSettings, SlackAppInput } from "@/lib/alerts/settings-view";
import { fetchJson } from "@/lib/fetch-json";
import { queryKeys } from "@/lib/query-keys";

const URL = "/api/v1/settings/notifications";
const json = (method: string, body?: unknown): RequestInit => ({
  method,
  headers: { "content-type": "application/json", accept: "application/json" },
  body: body === undefined ? undefined : JSON.stringify(body),
});

export function useNotificationSettingsQuery() {
  return useQuery({
    queryKey: queryKeys.notificationSettings(),
    queryFn: ({ signal }) => fetchJson<NotificationSettings>(URL, { signal }),
    staleTime: 5_000,
  });
}

function useSettingsMutation<T>(request: (input: T) => Promise<unknown>) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: request,
    onSuccess: () => client.invalidateQueries({ queryKey: queryKeys.notificationSettings() }),
  });
}

export const useSaveSlackApp = () => useSettingsMutation((input: SlackAppInput) => fetchJson(`${URL}/slack-app`, json("PUT", input)));
export const useSaveRules = () => useSettingsMutation((rules: AlertRules) => fetchJson(`${URL}/rules`, json("PUT", rules)));
export const useDisconnectSlack = () => useSettingsMutation(() => fetchJson(`${URL}/slack-webhook`, json("DELETE")));
export const useSendTestMessage = () => useSettingsMutation(() => fetchJson(`${URL}/test`, json("POST")));
