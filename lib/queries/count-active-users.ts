import { sql } from "kysely";
import type { Store } from "../db/client";

/** Distinct active users per organization over the `days` UTC days ending on `lastDay`. */
export async function countActiveUsersByOrg(store: Store, lastDay: number, days: number): Promise<{ slug: string; users: number }[]> {
  const rows = await store.db
    .selectFrom("organizations")
    .leftJoin("user_day", (join) =>
      join
        .onRef("user_day.org_id", "=", "organizations.id")
        .on("user_day.day", ">", lastDay - days)
        .on("user_day.day", "<=", lastDay),
    )
    .select(["organizations.slug", sql<number>`count(distinct user_day.user_id)`.as("users")])
    .groupBy("organizations.slug")
    .execute();
  return rows.map((r) => ({ slug: r.slug, users: Number(r.users) }));
}
