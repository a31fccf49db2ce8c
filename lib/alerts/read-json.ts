import type { z } from "zod";
import { badRequest } from "../http/errors";

const MAX_BODY = 16 * 1024;

/** A small JSON body checked against `schema`; 400 with the schema's messages otherwise. */
export async function readJsonBody<S extends z.ZodType>(request: Request, schema: S): Promise<z.infer<S>> {
  const text = await request.text();
  if (text.length > MAX_BODY) throw badRequest("request body too large");
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw badRequest("expected a JSON body");
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw badRequest(parsed.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; "));
  return parsed.data;
}
