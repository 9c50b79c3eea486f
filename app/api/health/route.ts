import { getDbHandle } from "@/db/client";
import { pingDatabase } from "@/db/queries/system";

export const dynamic = "force-dynamic";

/** Liveness and database check for hosts and CI: 200 with the driver name when the database answers. */
export async function GET() {
  try {
    const handle = await getDbHandle();
    await pingDatabase(handle.db);
    return Response.json({ ok: true, database: handle.driver });
  } catch {
    return Response.json({ ok: false, database: "unavailable" }, { status: 503 });
  }
}
