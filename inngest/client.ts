// The app's one Inngest client. Keys come from lib/env; with neither an event key nor INNGEST_DEV set
// the app never sends to Inngest (lib/import/runner runs imports in-process instead).
import { Inngest } from "inngest";
import { getEnv, type Env } from "@/lib/env";

export const INNGEST_APP_ID = "actitime-qbo-import";

/** INNGEST_DEV is a flag ("1", "true", "0", "false") or the dev server's URL. */
function devMode(dev: string | undefined): { isDev?: boolean; baseUrl?: string } {
  if (dev === undefined) return {};
  if (/^(1|true)$/i.test(dev)) return { isDev: true };
  if (/^(0|false)$/i.test(dev)) return { isDev: false };
  return URL.canParse(dev) ? { isDev: true, baseUrl: dev } : { isDev: true };
}

export function inngestClientOptions(env: Env["inngest"]) {
  return {
    id: INNGEST_APP_ID,
    eventKey: env.eventKey,
    signingKey: env.signingKey,
    ...devMode(env.dev),
  };
}

export const inngest = new Inngest(inngestClientOptions(getEnv().inngest));
