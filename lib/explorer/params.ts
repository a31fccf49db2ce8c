/** Query parameters of the explorer API (docs/EXPLORER.md), as zod schemas: messages name the parameter. */
import { z } from "zod";
import { MAX_QUERY_CHARS } from "../filter/parse-filter";
import { FACET_FIELDS, type FacetField } from "./answers";

export const EVENTS_DEFAULT_LIMIT = 50;
export const EVENTS_MAX_LIMIT = 1000;

const qParam = z.string().max(MAX_QUERY_CHARS, `q must be at most ${MAX_QUERY_CHARS} characters`);

export const eventsQuerySchema = z.object({
  q: qParam.optional(),
  limit: z
    .string()
    .regex(/^\d+$/, `limit must be a whole number from 1 to ${EVENTS_MAX_LIMIT}`)
    .transform(Number)
    .pipe(
      z
        .number()
        .int()
        .min(1, `limit must be a whole number from 1 to ${EVENTS_MAX_LIMIT}`)
        .max(EVENTS_MAX_LIMIT, `limit must be a whole number from 1 to ${EVENTS_MAX_LIMIT}`),
    )
    .default(EVENTS_DEFAULT_LIMIT),
  cursor: z
    .string()
    .max(1024, "cursor is too long")
    .regex(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/, "cursor is not a next_cursor returned by this API")
    .optional(),
});

export const facetsQuerySchema = z.object({
  q: qParam.optional(),
  field: z.enum(FACET_FIELDS as [FacetField, ...FacetField[]], { message: `field must be one of ${FACET_FIELDS.join(", ")}` }),
});

export const histogramQuerySchema = z.object({ q: qParam.optional() });

export const exportQuerySchema = z.object({
  q: qParam.optional(),
  format: z.enum(["ndjson", "csv"], { message: "format must be ndjson or csv" }).default("ndjson"),
});
