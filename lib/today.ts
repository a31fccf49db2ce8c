import { parseDate, todayDay } from "./audit/timestamp";
import { env } from "./env";

/** Today's UTC day number; ORGTRAIL_TODAY pins it for demos and tests. */
export function today(): number {
  const pinned = env().ORGTRAIL_TODAY;
  return pinned ? (parseDate(pinned) ?? todayDay()) : todayDay();
}
