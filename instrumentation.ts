// Runs once when a server starts: configuration problems show in the log at deploy, not at the first sign-in.
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { warnAboutNotifier } = await import("./lib/ops/notifier-choice");
  warnAboutNotifier();
}
