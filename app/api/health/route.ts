import { sql } from "drizzle-orm";
import { getDbHandle } from "@/db/client";

export const dynamic = "force-dynamic";

/** Liveness and database check for hosts and CI: 200 with the driver name when the database answers. */
export async function GET() {
  try {
    const handle = await getDbHandle();
    await handle.db.execute(sql`select 1`);
    return Response.json({ ok: true, database: handle.driver });
  } catch {
    return Response.json({ ok: false, database: "unavailable" }, { status: 503 });
  }
}
