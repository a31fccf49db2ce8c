// Next.js calls register() once per server start: background jobs run in the Node.js runtime only.
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { startBackgroundJobs } = await import("./lib/jobs/jobs");
  await startBackgroundJobs();
  // The explorer's indexes are built in the background; requests answer 503 until theirs is ready.
  const { startExplorerIndexes } = await import("./lib/explorer/org-index");
  startExplorerIndexes();
}
