// GET /api/health: {"ok":true} once the store answers.
import { sql } from "kysely";
import { getStore } from "@/lib/db/client";
import { publicRoute } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const GET = publicRoute({}, async () => {
  try {
    const store = await getStore();
    await sql`select 1`.execute(store.db);
    return Response.json({ ok: true });
  } catch {
    return Response.json({ ok: false, error: { code: "unavailable", message: "store unavailable" } }, { status: 503 });
  }
});
