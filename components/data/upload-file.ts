// Browser uploads of the Data page: the File goes to XMLHttpRequest as it is, so the browser
// streams it from disk (it is never read into this page's memory), and `upload.onprogress`
// reports the bytes sent. The server reads the body as a stream too (POST /api/v1/ingest).
import { withQuery } from "@/lib/fetch-json";

export interface UploadProgress {
  loaded: number;
  total: number;
}

export interface UploadAnswer {
  status: number;
  body: unknown;
}

export interface RunningUpload {
  promise: Promise<UploadAnswer>;
  abort(): void;
}

export class UploadAbortedError extends Error {
  constructor() {
    super("upload cancelled");
  }
}

/** A gzip file starts with 1f 8b: read those two bytes only. */
export async function isGzip(file: Blob): Promise<boolean> {
  const head = new Uint8Array(await file.slice(0, 2).arrayBuffer());
  return head.length === 2 && head[0] === 0x1f && head[1] === 0x8b;
}

export function uploadFile(url: string, file: Blob, headers: Record<string, string>, onProgress: (p: UploadProgress) => void): RunningUpload {
  const xhr = new XMLHttpRequest();
  const promise = new Promise<UploadAnswer>((resolve, reject) => {
    xhr.open("POST", url);
    xhr.withCredentials = true;
    xhr.setRequestHeader("Accept", "application/json");
    for (const [name, value] of Object.entries(headers)) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (e) => onProgress({ loaded: e.loaded, total: e.lengthComputable ? e.total : file.size });
    xhr.onload = () => {
      let body: unknown = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        body = null;
      }
      resolve({ status: xhr.status, body });
    };
    xhr.onerror = () => reject(new Error("the connection to the server failed"));
    xhr.onabort = () => reject(new UploadAbortedError());
    xhr.send(file);
  });
  return { promise, abort: () => xhr.abort() };
}

/** Where each kind of file goes, and how it is labelled for the server. */
export async function uploadRequest(kind: "events" | "users", file: File, org: string): Promise<{ url: string; headers: Record<string, string> }> {
  if (kind === "events") {
    const headers: Record<string, string> = { "Content-Type": "application/x-ndjson" };
    if (await isGzip(file)) headers["Content-Encoding"] = "gzip";
    return { url: withQuery("/api/v1/ingest", { org, name: file.name }), headers };
  }
  const lower = file.name.toLowerCase();
  const type = lower.endsWith(".csv") ? "text/csv" : lower.endsWith(".json") ? "application/scim+json" : "text/plain";
  return { url: withQuery("/api/v1/users/import", { org, name: file.name }), headers: { "Content-Type": type } };
}

const units = ["bytes", "KB", "MB", "GB"];
export function formatBytes(n: number): string {
  let value = n;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return unit === 0 ? `${value} ${units[0]}` : `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}
