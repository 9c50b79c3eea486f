/**
 * The one wait of the codebase: resolves after `ms` (at least 0), or rejects with the signal's reason as
 * soon as `signal` aborts (at once when it already has). Callers that must end the wait early without an
 * error catch the rejection (the emulators), or map it to their own error (lib/qbo/client).
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, Math.max(0, ms));
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
