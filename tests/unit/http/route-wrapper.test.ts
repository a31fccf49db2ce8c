// lib/http/route.ts: what every route gets without asking. Bodies are cut off while being
// read (a multi-GB body never lands in memory), cross-site writes are refused before
// anything else, zod failures name the field, and a bad parameter is a 400.
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { publicRoute } from "@/lib/http/route";

/** A body that never ends, counting what was pulled from it. */
function endlessBody(chunkBytes: number) {
  const stats = { pulled: 0 };
  const chunk = new Uint8Array(chunkBytes).fill(0x61);
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      stats.pulled += chunk.length;
      controller.enqueue(chunk);
    },
  });
  return { stream, stats };
}

const post = (body: BodyInit | ReadableStream<Uint8Array>, headers: Record<string, string> = {}) =>
  new Request("http://127.0.0.1:3000/x", {
    method: "POST",
    body: body as BodyInit,
    headers: { "content-type": "application/json", ...headers },
    duplex: "half",
  } as RequestInit);

describe("route wrapper", () => {
  const schema = z.object({ name: z.string().min(1, "name is required") });
  const echo = publicRoute({ body: { kind: "json", schema, limit: 1024 } }, async ({ body }) => Response.json(body));

  it("stops reading a JSON body at its limit (413), without reading it whole", async () => {
    const { stream, stats } = endlessBody(64 * 1024);
    const response = await echo(post(stream));
    expect(response.status).toBe(413);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe("payload_too_large");
    expect(stats.pulled).toBeLessThan(1024 * 1024);
  });

  it("refuses a declared Content-Length over the limit before reading", async () => {
    const response = await echo(post("{}", { "content-length": "5000000" }));
    expect(response.status).toBe(413);
  });

  it("names the field zod refused", async () => {
    const response = await echo(post(JSON.stringify({ name: "" })));
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: { code: "bad_request", message: "name is required" } });
  });

  it("refuses a body that is not JSON", async () => {
    const response = await echo(post("{nope"));
    expect(response.status).toBe(400);
  });

  it("answers with the parsed body", async () => {
    const response = await echo(post(JSON.stringify({ name: "ada", extra: 1 })));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ name: "ada" });
  });

  it("refuses a cross-site write before reading its body", async () => {
    const { stream, stats } = endlessBody(1024);
    const response = await echo(post(stream, { origin: "https://evil.example", host: "127.0.0.1:3000" }));
    expect(response.status).toBe(403);
    expect(stats.pulled).toBeLessThanOrEqual(2 * 1024);
  });

  it("validates the query and refuses a repeated parameter", async () => {
    const get = publicRoute({ query: z.object({ n: z.string().regex(/^\d+$/, "must be a whole number").transform(Number) }) }, async ({ query }) =>
      Response.json(query),
    );
    expect((await get(new Request("http://127.0.0.1/x?n=3"))).status).toBe(200);
    const bad = await get(new Request("http://127.0.0.1/x?n=x"));
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toBe("n: must be a whole number");
    expect((await get(new Request("http://127.0.0.1/x?n=1&n=2"))).status).toBe(400);
  });
});
