/**
 * The app's session policy for routes, shared by middleware.ts (Edge) and docs/proxy.example.ts (Node proxy):
 * which paths need a session, where signing in happens, and which page gets the session list with its check.
 */
import { sessionMiddleware } from "@/lib/session/next";

const PROTECTED_PREFIXES = ["/devices", "/account"] as const;

/** Security activity entries the devices page shows. */
export const DEVICES_ACTIVITY_LIMIT = 20;

function isProtected(pathname: string): boolean {
  return PROTECTED_PREFIXES.some((prefix) => pathname === prefix || pathname.startsWith(`${prefix}/`));
}

export const handleSession = sessionMiddleware({
  isProtected,
  loginPath: "/login",
  // The devices page's check and its list are one round trip: middleware reads both in one script.
  preloadSessionList: { paths: (pathname) => pathname === "/devices", activityLimit: DEVICES_ACTIVITY_LIMIT },
});
