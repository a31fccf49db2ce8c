/**
 * Shapes of the Notifications settings API, shared by the routes and the settings page.
 * Zod only: safe in client components. No secret ever appears here: only whether one is set.
 */
import { z } from "zod";
import { alertRulesSchema } from "./rules";

export const slackAppInputSchema = z.object({
  clientId: z
    .string()
    .trim()
    .min(1, "client ID is required")
    .max(200)
    .regex(/^[A-Za-z0-9._-]+$/, "a Slack client ID has letters, digits, dots and dashes"),
  /** Omitted or empty: keep the stored secret. */
  clientSecret: z.string().trim().max(200).optional(),
});
export type SlackAppInput = z.infer<typeof slackAppInputSchema>;

export const jobStateViewSchema = z.object({
  name: z.string(),
  lastRunAt: z.string().nullable(),
  lastSuccessAt: z.string().nullable(),
  lastError: z.string().nullable(),
  lastErrorAt: z.string().nullable(),
  consecutiveFailures: z.number(),
  totalFailures: z.number(),
});
export type JobStateView = z.infer<typeof jobStateViewSchema>;

export const notificationSettingsSchema = z.object({
  slack: z.object({
    clientId: z.string().nullable(),
    clientSecretSet: z.boolean(),
    /** False when a secret is stored but cannot be opened with this server's key. */
    clientSecretReadable: z.boolean(),
    connected: z.boolean(),
    channel: z.string().nullable(),
    team: z.string().nullable(),
    connectedAt: z.string().nullable(),
    /** The Redirect URL to enter in the Slack app's OAuth & Permissions page. */
    redirectUri: z.string(),
  }),
  rules: alertRulesSchema,
  outbox: z.object({
    pending: z.number(),
    delivered: z.number(),
    failed: z.number(),
    lastDeliveredAt: z.string().nullable(),
    lastError: z.string().nullable(),
  }),
  jobs: z.array(jobStateViewSchema),
});
export type NotificationSettings = z.infer<typeof notificationSettingsSchema>;
