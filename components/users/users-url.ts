import { withQuery } from "@/lib/fetch-json";

/** The users list the Users tab fetches (and the page preloads: the two must be the same URL). */
export const usersUrl = (org: string | undefined, asOf: string | undefined) => withQuery("/api/v1/users", { org, asOf });
