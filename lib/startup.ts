// Called by instrumentation.ts when a Node.js server process starts: a configuration production
// refuses (lib/env.ts names each problem) stops the process before it answers anything, instead of
// leaving a server up that fails every request.
import { EnvError, getEnv } from "./env";

export function refuseBadConfiguration(): void {
  try {
    getEnv();
  } catch (error) {
    if (!(error instanceof EnvError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
}
