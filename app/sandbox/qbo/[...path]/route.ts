// The emulated QuickBooks Online of demo mode: Intuit OAuth 2.0 under /sandbox/qbo/oauth2/… and
// the v3 API under /sandbox/qbo/v3/company/{realmId}/…; 404 everywhere when demo mode is off.
import { forwardToEmulator } from "../../_lib/http";

export const dynamic = "force-dynamic";

const handle = (request: Request): Promise<Response> => forwardToEmulator("qbo", request);

export { handle as GET, handle as POST, handle as PUT, handle as PATCH, handle as DELETE };
