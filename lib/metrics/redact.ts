/**
 * Drops every sample that carries a given label from Prometheus text output (multi-tenant
 * /metrics without a token: no organization's slug or counts for anyone who can reach the
 * port). Pure. Safe against label values: in the text format a `"` inside a value is always
 * escaped, so `,org="` or `{org="` can only start a real label.
 */
export function withoutLabel(text: string, label: string): string {
  const marker = new RegExp(`[{,]${label}="`);
  return text
    .split("\n")
    .filter((line) => line.startsWith("#") || !marker.test(line))
    .join("\n");
}
