// The emulated actiTIME of demo mode: REST API v1 under /sandbox/actitime/api/v1/…;
// 404 everywhere when demo mode is off.
import { forwardToEmulator } from "../../_lib/http";

export const dynamic = "force-dynamic";

const handle = (request: Request): Promise<Response> => forwardToEmulator("actitime", request);

export { handle as GET, handle as POST, handle as PUT, handle as PATCH, handle as DELETE };
