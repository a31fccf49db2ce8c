// Browser-side fetch for the dashboard API: same-origin cookie, and an Error carrying the API's
// `{"error":{"code","message"}}` message and status on anything but 2xx.
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

async function errorFrom(response: Response): Promise<ApiError> {
  let code = "http_error";
  let message = `request failed (HTTP ${response.status})`;
  try {
    const body = (await response.json()) as { error?: { code?: unknown; message?: unknown } };
    if (typeof body.error?.code === "string") code = body.error.code;
    if (typeof body.error?.message === "string" && body.error.message) message = body.error.message;
  } catch {
    // not JSON: keep the generic message
  }
  return new ApiError(response.status, code, message);
}

export async function fetchResponse(url: string, init?: RequestInit): Promise<Response> {
  const response = await fetch(url, { credentials: "same-origin", ...init });
  if (!response.ok) throw await errorFrom(response);
  return response;
}

export async function fetchJson<T>(url: string, init?: RequestInit): Promise<T> {
  const response = await fetchResponse(url, { headers: { accept: "application/json" }, ...init });
  return (await response.json()) as T;
}

/** `path?k=v` leaving out undefined values. */
export function withQuery(path: string, params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined) search.set(key, String(value));
  const qs = search.toString();
  return qs ? `${path}?${qs}` : path;
}
