export type Dialect = "sqlite" | "postgres";

export function dialectOf(url: string): Dialect {
  return /^postgres(ql)?:\/\//i.test(url) ? "postgres" : "sqlite";
}

/** `file:./data/x.db`, `file:///abs/x.db` or a bare path → a filesystem path (or `:memory:`). */
export function sqlitePath(url: string): string {
  if (url.startsWith("file://")) return decodeURIComponent(new URL(url).pathname);
  if (url.startsWith("file:")) return url.slice("file:".length);
  return url;
}
