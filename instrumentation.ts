// Next.js calls register() once per server start: background jobs run in the Node.js runtime only.
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  // First, before any request: stamp each request with its socket's peer address (lib/auth/client-address.ts).
  const { stampPeerAddresses } = await import("./lib/auth/client-address");
  stampPeerAddresses();
  const { startBackgroundJobs } = await import("./lib/jobs/jobs");
  await startBackgroundJobs();
  // The explorer's indexes are built in the background; requests answer 503 until theirs is ready.
  const { startExplorerIndexes } = await import("./lib/explorer/org-index");
  startExplorerIndexes();
}
