// Lanes of requests to one company and the allowance they share (the pacing layer's side of an
// import, issue 12). Lanes run together under one AbortController: the first lane that fails aborts
// the others (no new request leaves, every wait ends), all of them are waited for
// (Promise.allSettled) so what they learned is committed, and only then the failure is reported.
import { setMaxListeners } from "node:events";
import { QboRequestNotSent } from "./client";

export type Lane = (signal: AbortSignal) => Promise<void>;

/**
 * Runs lanes together. `parent` (interrupt, lost lease, slice end) aborts them all; so does the first
 * lane to throw. Resolves when every lane has settled; rejects with the first lane's error (an abort's
 * QboRequestNotSent is not an error of its own).
 */
export async function runLanes(lanes: Lane[], parent?: AbortSignal): Promise<void> {
  const controller = new AbortController();
  // Every lane's request and wait listens to it (many at once, each removed when it ends).
  setMaxListeners(1_000, controller.signal);
  const onParentAbort = () => controller.abort(parent?.reason);
  if (parent?.aborted) controller.abort(parent.reason);
  else parent?.addEventListener("abort", onParentAbort, { once: true });
  let first: { error: unknown } | undefined;
  try {
    await Promise.allSettled(
      lanes.map(async (lane) => {
        try {
          await lane(controller.signal);
        } catch (error) {
          if (error instanceof QboRequestNotSent && controller.signal.aborted) return;
          first ??= { error };
          controller.abort(error);
        }
      }),
    );
  } finally {
    parent?.removeEventListener("abort", onParentAbort);
  }
  if (first) throw first.error;
}
