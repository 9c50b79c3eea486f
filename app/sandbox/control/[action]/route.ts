// JSON twin of the sandbox control page, for tests and scripts:
//   POST /sandbox/control/{command}  with a JSON object body  →  200 { ok, message, data? }
//   400 { ok: false, error } for a bad body, 404 for an unknown command or entity (or demo mode off).
import { isDemoEnabled } from "@/lib/sandbox/demo";
import { isCommandName, runCommand } from "../../_lib/commands";
import { isSameOriginRequest, sandboxNotFound } from "../../_lib/http";

export const dynamic = "force-dynamic";

/** Control bodies are small; anything bigger is refused before parsing. */
const MAX_BODY_BYTES = 256 * 1024;

export async function POST(request: Request, context: { params: Promise<{ action: string }> }): Promise<Response> {
  if (!isDemoEnabled()) return sandboxNotFound();
  if (!isSameOriginRequest(request)) return Response.json({ ok: false, error: "Sandbox controls accept requests from this app's own pages only" }, { status: 403 });
  const { action } = await context.params;
  if (!isCommandName(action)) return Response.json({ ok: false, error: `Unknown sandbox command: ${action}` }, { status: 404 });
  const text = await request.text();
  if (Buffer.byteLength(text) > MAX_BODY_BYTES) {
    return Response.json({ ok: false, error: `Request body is larger than ${MAX_BODY_BYTES} bytes` }, { status: 413 });
  }
  let body: unknown = {};
  if (text.trim() !== "") {
    try {
      body = JSON.parse(text);
    } catch {
      return Response.json({ ok: false, error: "Request body must be a JSON object" }, { status: 400 });
    }
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    return Response.json({ ok: false, error: "Request body must be a JSON object" }, { status: 400 });
  }
  const outcome = runCommand(action, body);
  return outcome.ok ? Response.json(outcome) : Response.json(outcome, { status: outcome.status });
}

/** Only POST does anything; other methods get 405 (or 404 when demo mode is off). */
function notAllowed(): Response {
  if (!isDemoEnabled()) return sandboxNotFound();
  return Response.json({ ok: false, error: "Use POST with a JSON body" }, { status: 405, headers: { allow: "POST" } });
}

export { notAllowed as GET, notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE };
