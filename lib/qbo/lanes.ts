// Lanes of requests to one company and the allowance they share (the pacing layer's side of an
// import, issue 12). Lanes run together under one AbortController: the first lane that fails aborts
// the others (no new request leaves, every wait ends), all of them are waited for
// (Promise.allSettled) so what they learned is committed, and only then the failure is reported.
import { setMaxListeners } from "node:events";
import { QBO_BATCH_MAX_OPS, QboRequestNotSent } from "./client";
import type { Pacer } from "./pace";

/**
 * Operations per batch: 30, except when QBO counts every batch item toward its 500 requests a minute.
 * Then a size that divides that allowance (25): sixteen batches of 30 fill only 480 of a minute's 500.
 */
export function batchSize(pacer: Pick<Pacer, "batchCounting" | "requestsPerMinute">): number {
  if (pacer.batchCounting !== "item") return QBO_BATCH_MAX_OPS;
  for (let size = QBO_BATCH_MAX_OPS; size > 1; size--) if (pacer.requestsPerMinute % size === 0) return size;
  return QBO_BATCH_MAX_OPS;
}

/** Requests the single lanes may use this minute beyond what the batches still need (one request each). */
export function spareSingleRequests(pacer: Pick<Pacer, "remainingInWindow">): number {
  const { requests, batches } = pacer.remainingInWindow();
  return requests - batches;
}

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
