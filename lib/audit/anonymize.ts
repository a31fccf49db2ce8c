import { escapeSeparators } from "./canonical";
import { PII_KEYS } from "./schema";

/** Removes the PII keys of SPEC §5 from a stored (schema-keys-only) event line. */
export function removePii(body: string): string {
  const event = JSON.parse(body) as Record<string, unknown>;
  for (const key of PII_KEYS) delete event[key];
  return escapeSeparators(JSON.stringify(event));
}
