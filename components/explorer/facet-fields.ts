import type { FacetField } from "@/lib/explorer/answers";

/**
 * The fields the facets API answers (FACET_FIELDS of lib/explorer/answers.ts, which a unit test
 * keeps equal), written here so the page does not load the engine's code into the browser.
 */
export const FACET_FIELDS = ["action", "actor", "user", "status", "entity", "project", "ip"] as const satisfies readonly FacetField[];
