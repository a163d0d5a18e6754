/**
 * The app's request policy, shared by middleware.ts (Edge) and docs/proxy.example.ts (Node proxy): which paths
 * need a session, where signing in happens, which page gets the session list with its check, the largest form
 * post and the page security headers (a CSP with a fresh nonce).
 */
import { sessionMiddleware } from "@/lib/session/next";
import { pageSecurityHeaders, SERVER_ACTION_BODY_LIMIT_BYTES } from "@/lib/web/http-policy";

/** The pages of the `app/(account)` route group: signed in only (tests/unit/session-routes.test.ts keeps them equal). */
export const ACCOUNT_PATHS = ["/account", "/admin", "/devices", "/outbox"] as const;

/**
 * The pages of the `app/(auth)` route group: where passwords are typed and emailed links (bearer tokens) are opened.
 * Middleware runs on them with or without a cookie, so they always get the nonce CSP (ADR 013); only anonymous
 * visits to the other public pages skip it.
 */
export const AUTH_PAGE_PATHS = [
  "/check-email",
  "/email-change",
  "/forgot-password",
  "/login",
  "/mail",
  "/not-me",
  "/reset-password",
  "/signup",
  "/verify-email",
] as const;

/** Security activity entries the devices page shows. */
export const DEVICES_ACTIVITY_LIMIT = 20;

function isProtected(pathname: string): boolean {
  return ACCOUNT_PATHS.some((prefix) => pathname === prefix || pathname.startsWith(`${prefix}/`));
}

/** A file name (`/logo.png`, `/robots.txt`): no page of the app has a dot in its last segment. */
function isFilePath(pathname: string): boolean {
  return /\.[A-Za-z0-9]+$/.test(pathname.slice(pathname.lastIndexOf("/")));
}

export const handleSession = sessionMiddleware({
  isProtected,
  loginPath: "/login",
  // The devices page's check and its list are one round trip: middleware reads both in one script.
  preloadSessionList: { paths: (pathname) => pathname === "/devices", activityLimit: DEVICES_ACTIVITY_LIMIT },
  // Files get no Redis call here; if one renders the 404 page, that page validates the cookie itself.
  skipValidation: isFilePath,
  serverActions: { bodySizeLimitBytes: SERVER_ACTION_BODY_LIMIT_BYTES },
  headers: pageSecurityHeaders(process.env.NODE_ENV === "development"),
});
