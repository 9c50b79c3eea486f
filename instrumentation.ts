// Next.js calls register() once when a server process starts: apply migrations before the first request,
// then pick up imports a previous process left running.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  (await import("./lib/startup")).refuseBadConfiguration();
  const { getDbHandle } = await import("./db/client");
  await getDbHandle();
  // A failed recovery must not stop the server: the import stays active and the next start (or the
  // in-process sweep) tries again. Only counts and the error's message are logged, never settings.
  try {
    const { recoverImportsOnStart } = await import("./lib/import/recovery");
    const { importDriverDeps } = await import("./inngest/deps");
    const report = await recoverImportsOnStart(importDriverDeps);
    const picked = report.resumed.length + report.requested.length;
    if (picked > 0) console.info(`[imports] start-up recovery: ${report.resumed.length} resumed here, ${report.requested.length} re-requested from Inngest`);
  } catch (error) {
    console.error(`[imports] start-up recovery failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  // Scheduled imports without Inngest: a once-a-minute look in this process (lib/schedule/in-process).
  (await import("./lib/schedule/in-process")).startInProcessScheduler();
}
