/**
 * Slack alert rules written in the filter language (SPEC §8, docs/SLACK.md): an admin saves a
 * name and a query; each new matching event posts a message ("each"), or a count of matches
 * over `threshold` within `windowMinutes` posts one ("count"). Zod and the pure parser only:
 * the settings card imports this too.
 */
import { z } from "zod";
import { MAX_QUERY_CHARS, parseFilter } from "../filter/parse-filter";

export const MAX_QUERY_RULES = 20;

/** A rule as stored (the query is checked when saved; a stored one the parser refuses is skipped, never fatal). */
export const queryRuleSchema = z.object({
  id: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, "id: letters, digits, - and _ (at most 40)"),
  name: z.string().trim().min(1, "a name is required").max(80, "the name is at most 80 characters"),
  query: z.string().trim().min(1, "a query is required").max(MAX_QUERY_CHARS),
  /** `each`: a message per matching event; `count`: one when `threshold` matches land within `windowMinutes`. */
  mode: z.enum(["each", "count"]),
  threshold: z.int().min(2, "the count is at least 2").max(100_000),
  windowMinutes: z
    .int()
    .min(1, "the window is at least 1 minute")
    .max(24 * 60, "the window is at most 1440 minutes"),
  enabled: z.boolean(),
});
export type QueryRule = z.infer<typeof queryRuleSchema>;

/** What the settings card saves: every rule's query must parse (the message names the rule, the term and its position). */
export const queryRulesInputSchema = z
  .object({ queries: z.array(queryRuleSchema).max(MAX_QUERY_RULES, `at most ${MAX_QUERY_RULES} query rules`) })
  .superRefine((value, ctx) => {
    const ids = new Set<string>();
    value.queries.forEach((rule, i) => {
      if (ids.has(rule.id)) ctx.addIssue({ code: "custom", path: ["queries", i, "id"], message: `two rules share the id ${rule.id}` });
      ids.add(rule.id);
      const parsed = parseFilter(rule.query);
      if (!parsed.ok) ctx.addIssue({ code: "custom", path: ["queries", i, "query"], message: `rule "${rule.name}": ${parsed.error.message}` });
    });
  });
export type QueryRulesInput = z.infer<typeof queryRulesInputSchema>;

export const NEW_QUERY_RULE: Omit<QueryRule, "id"> = { name: "", query: "", mode: "each", threshold: 10, windowMinutes: 10, enabled: true };
