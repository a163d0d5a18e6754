/**
 * Next.js glue: the only file of the kit that imports `next/*` or `react`.
 *
 * What: a lazy kit singleton from process.env, cookie helpers over `next/headers`, a cached `getCurrentSession()`
 * data-access function for server components and actions, and `sessionMiddleware()` for middleware.ts (Edge)
 * or proxy.ts (Node).
 * Flow of a protected request: middleware strips any incoming hand-off header, validates the cookie (one GET),
 * forwards a signed hand-off header to rendering and schedules the touch with `event.waitUntil`; rendering's
 * `getCurrentSession()` verifies the header instead of asking Redis again. One Redis command per request.
 * Seam: routes without middleware still work — `getCurrentSession()` falls back to Redis.
 */
import { cookies, headers } from "next/headers";
import { after, NextResponse, userAgent, type NextFetchEvent, type NextRequest } from "next/server";
import { cache } from "react";
import { deviceFromParts } from "./device";
import { endedCookieName, parseEndedReason } from "./cookie";
import { HANDOFF_HEADER } from "./handoff";
import { createSessionKit, type SessionKit } from "./kit";
import type {
  DeviceInfo,
  Handoff,
  ListSessionsResult,
  SessionCookie,
  SessionListing,
  SignedOutReason,
  ValidationResult,
} from "./types";

let singleton: SessionKit | undefined;

/** Hands bookkeeping to `after()` inside a request; outside one (scripts, tests) it just runs. */
function deferTask(task: () => Promise<unknown>): void {
  try {
    after(task);
  } catch {
    void task();
  }
}

/**
 * The app-wide kit, built on first use from process.env (throws `session: ...` if misconfigured). Metrics
 * (`SESSION_METRICS=0` turns them off; written after the response) and the security activity log
 * (`SESSION_ACTIVITY=0`) are on.
 */
export function getSessionKit(): SessionKit {
  singleton ??= createSessionKit({
    metrics: process.env.SESSION_METRICS !== "0",
    activity: process.env.SESSION_ACTIVITY !== "0",
    defer: deferTask,
  });
  return singleton;
}

/**
 * Device info of the current request: user agent via next/server; IP and location only as far as the kit's
 * `config.trustedProxy` (SESSION_TRUSTED_PLATFORM / _IP_HEADER / _PROXY_COUNT) trusts the proxy in front.
 */
export function deviceFromHeaders(requestHeaders: Headers): DeviceInfo {
  const trust = getSessionKit().config.trustedProxy;
  return deviceFromParts(requestHeaders, userAgent({ headers: requestHeaders }), trust);
}

/** Sets the session cookie; a new session also drops the note of why the last one ended. */
export async function setSessionCookie(cookie: SessionCookie): Promise<void> {
  const store = await cookies();
  store.set(cookie.name, cookie.value, cookie.options);
  if (cookie.value === "") return;
  const ended = getSessionKit().endedCookie(null);
  if (store.get(ended.name) !== undefined) store.set(ended.name, ended.value, ended.options);
}

export async function clearSessionCookie(): Promise<void> {
  await setSessionCookie(getSessionKit().clearedCookie());
}

/**
 * Why a browser without a session cookie was signed out, when a request that already cleared the cookie (a
 * prefetch, another tab) left the reason behind; "missing" otherwise.
 */
export async function readSignedOutReason(): Promise<SignedOutReason> {
  const store = await cookies();
  return parseEndedReason(store.get(endedCookieName(getSessionKit().config))?.value) ?? "missing";
}

export async function readSessionCookie(): Promise<string | undefined> {
  // cookies() before the kit: it marks the route dynamic, so `next build` never needs the runtime secrets.
  const store = await cookies();
  const value = store.get(getSessionKit().config.cookieName)?.value;
  return value === "" ? undefined : value;
}

/** Middleware's hand-off for this request's exact cookie, verified once per render (React `cache`). */
const readHandoff = cache(async (cookieValue: string): Promise<Handoff | null> =>
  getSessionKit().verifyHandoff((await headers()).get(HANDOFF_HEADER), cookieValue),
);

/**
 * The current request's session, once per render (React `cache`). Uses middleware's signed hand-off when it
 * verifies for this exact cookie; otherwise validates via Redis and schedules the touch with `after()` when due.
 */
export const getCurrentSession: () => Promise<ValidationResult> = cache(
  async (): Promise<ValidationResult> => {
    const cookieValue = await readSessionCookie();
    if (cookieValue === undefined) return { ok: false, reason: await readSignedOutReason() };
    const kit = getSessionKit();
    const handedOff = await readHandoff(cookieValue);
    if (handedOff !== null) return { ok: true, session: handedOff.session, touchDue: false };
    const result = await kit.validateSessionToken(cookieValue);
    if (result.ok && result.touchDue) {
      after(async () => {
        await kit.touchSession(cookieValue);
      });
    }
    return result;
  },
);

/**
 * `userId`'s sessions (and, with `activityLimit`, newest activity) for a page: taken from middleware's hand-off
 * when middleware preloaded them for this request (`preloadSessionList`, at least this activity limit), so the
 * page costs no Redis call; otherwise one list script.
 */
export async function listCurrentUserSessions(
  userId: string,
  options: { activityLimit?: number } = {},
): Promise<ListSessionsResult> {
  const cookieValue = await readSessionCookie();
  const handedOff = cookieValue === undefined ? null : await readHandoff(cookieValue);
  const listing = handedOff?.session.userId === userId ? handedOff.listing : undefined;
  const limit = options.activityLimit;
  if (listing !== undefined && (limit === undefined || listing.activityLimit >= limit)) {
    if (limit === undefined) return { ok: true, sessions: listing.sessions };
    return { ok: true, sessions: listing.sessions, activity: (listing.activity ?? []).slice(0, limit) };
  }
  return getSessionKit().listUserSessions(userId, options);
}

/** Replaces (or removes, with `value` undefined) one cookie in a Cookie request header. */
function rewriteCookieHeader(header: string | null, name: string, value: string | undefined): string {
  const parts = (header ?? "")
    .split(";")
    .map((part) => part.trim())
    .filter((part) => part !== "" && part.split("=")[0] !== name);
  if (value !== undefined) parts.push(`${name}=${value}`);
  return parts.join("; ");
}

const UNAVAILABLE_HTML = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Session store unavailable</title></head><body><main><h1>Session store unavailable</h1><p>We could not check your session right now. You are still signed in; please try again in a moment.</p></main></body></html>`;

function loginRedirect(request: NextRequest, loginPath: string, reason: SignedOutReason): NextResponse {
  const url = new URL(loginPath, request.url);
  const next = request.nextUrl.pathname + request.nextUrl.search;
  // Same-origin path only: "//evil.example" or "/\\evil" would be an open redirect after login.
  if (next.startsWith("/") && !next.startsWith("//") && !next.startsWith("/\\"))
    url.searchParams.set("next", next);
  url.searchParams.set("reason", reason);
  return NextResponse.redirect(url);
}

/**
 * Middleware that validates the session cookie on every request carrying one (one Redis GET), hands the verified
 * session to rendering in a signed header, and protects the paths `isProtected` matches.
 * `preloadSessionList`: for GET requests to the paths it matches, validate and list the user's sessions (and
 * `activityLimit` activity entries) in one script instead of the GET, and hand the listing over too; the page
 * reads it with `listCurrentUserSessions()`. Not for POSTs: a Server Action changes the list before the page
 * re-renders, so that render lists afresh.
 */
export function sessionMiddleware(options: {
  isProtected: (pathname: string) => boolean;
  loginPath?: string;
  preloadSessionList?: { paths: (pathname: string) => boolean; activityLimit?: number };
}): (request: NextRequest, event: NextFetchEvent) => Promise<NextResponse> {
  const loginPath = options.loginPath ?? "/login";
  const preload = options.preloadSessionList;
  return async (request, event) => {
    const kit = getSessionKit();
    const name = kit.config.cookieName;
    const isProtected = options.isProtected(request.nextUrl.pathname);
    const cookieValue = request.cookies.get(name)?.value;

    if (cookieValue === undefined || cookieValue === "") {
      if (isProtected) {
        const ended = parseEndedReason(request.cookies.get(endedCookieName(kit.config))?.value);
        return loginRedirect(request, loginPath, ended ?? "missing");
      }
      // Overriding request headers makes Next copy every header through the response: only when needed.
      if (!request.headers.has(HANDOFF_HEADER)) return NextResponse.next();
    }
    const forwarded = new Headers(request.headers);
    // Only this middleware may set the hand-off header: drop whatever the client sent.
    forwarded.delete(HANDOFF_HEADER);
    if (cookieValue === undefined || cookieValue === "") {
      return NextResponse.next({ request: { headers: forwarded } });
    }

    const listed =
      preload !== undefined &&
      (request.method === "GET" || request.method === "HEAD") &&
      preload.paths(request.nextUrl.pathname);
    const activityLimit = preload?.activityLimit;
    const result: ValidationResult & { listing?: SessionListing } = listed
      ? await kit.validateAndListSessions(cookieValue, { activityLimit })
      : await kit.validateSessionToken(cookieValue);
    if (result.ok) {
      // With the revalidate window on, rendering sees the re-sealed cookie: bind the hand-off to that value.
      const boundValue = result.cookie?.value ?? cookieValue;
      if (result.cookie !== undefined) {
        forwarded.set("cookie", rewriteCookieHeader(forwarded.get("cookie"), name, boundValue));
      }
      const listing =
        result.listing === undefined ? undefined : { ...result.listing, activityLimit: activityLimit ?? 0 };
      forwarded.set(HANDOFF_HEADER, await kit.signHandoff(result.session, boundValue, listing));
      const response = NextResponse.next({ request: { headers: forwarded } });
      if (result.cookie !== undefined) {
        response.cookies.set(result.cookie.name, result.cookie.value, result.cookie.options);
      }
      if (result.touchDue) event.waitUntil(kit.touchSession(cookieValue).then(() => undefined));
      return response;
    }

    if (result.reason === "unavailable") {
      // Fail closed for protected pages, keep the cookie: the user is not signed out, the store is down.
      if (isProtected) {
        return new NextResponse(UNAVAILABLE_HTML, {
          status: 503,
          headers: {
            "content-type": "text/html; charset=utf-8",
            "retry-after": "5",
            "cache-control": "no-store",
          },
        });
      }
      return NextResponse.next({ request: { headers: forwarded } });
    }

    // Signed out: clear the cookie, and hide it from rendering so pages do not re-check it.
    let response: NextResponse;
    if (isProtected) {
      response = loginRedirect(request, loginPath, result.reason);
    } else {
      forwarded.set("cookie", rewriteCookieHeader(forwarded.get("cookie"), name, undefined));
      response = NextResponse.next({ request: { headers: forwarded } });
    }
    const cleared = kit.clearedCookie();
    response.cookies.set(cleared.name, cleared.value, cleared.options);
    // This request may be a prefetch or another tab: keep the reason for the navigation the user will see.
    const endedReason = parseEndedReason(result.reason);
    if (endedReason !== undefined) {
      const ended = kit.endedCookie(endedReason);
      response.cookies.set(ended.name, ended.value, ended.options);
    }
    return response;
  };
}
