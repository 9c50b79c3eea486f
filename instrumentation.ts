// Next.js calls register() once when a server process starts: apply migrations before the first request.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { getDbHandle } = await import("./db/client");
  await getDbHandle();
}
