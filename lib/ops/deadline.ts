/**
 * The idle deadline the browser counts down to: the session's expiresAt, or — when a touch is due and about to
 * run after this response — the deadline that touch will set (min(now + idle, absolute)).
 */
import type { PublicSessionConfig, Session } from "@/lib/session";

export function idleDeadline(session: Session, config: PublicSessionConfig, now: number): number {
  const due = now - session.lastActiveAt >= config.touchIntervalSeconds * 1000;
  if (!due) return session.expiresAt;
  const idle = session.remember ? config.rememberMe.idleTimeoutSeconds : config.idleTimeoutSeconds;
  return Math.min(now + idle * 1000, session.absoluteExpiresAt);
}

/** What the browser's session watch needs, as of now. */
export function sessionWatchFor(
  session: Session,
  config: PublicSessionConfig,
  warningEnv: string | undefined,
): { expiresAt: number; serverNow: number; warnSeconds: number } {
  const now = Date.now();
  return {
    expiresAt: idleDeadline(session, config, now),
    serverNow: now,
    warnSeconds: idleWarningSeconds(config, warningEnv),
  };
}

/** How long before the deadline the warning opens: SESSION_IDLE_WARNING_SECONDS (default 60), at most idle/2. */
export function idleWarningSeconds(config: PublicSessionConfig, env: string | undefined): number {
  const wanted = Number(env ?? "60");
  const value = Number.isFinite(wanted) && wanted > 0 ? wanted : 60;
  return Math.max(1, Math.min(value, Math.floor(config.idleTimeoutSeconds / 2)));
}
