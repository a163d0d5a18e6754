/**
 * Next.js glue: the only file of the kit that imports `next/*` or `react`.
 *
 * What: a lazy kit singleton from process.env, cookie helpers over `next/headers`, a cached `getCurrentSession()`
 * data-access function for server components and actions, and `sessionMiddleware()` for middleware.ts (Edge)
 * or proxy.ts (Node).
 * Flow of a protected request: middleware refuses cross-site requests and malformed Server Action posts
 * (request-guards.ts), strips any incoming hand-off header, validates the cookie (one GET),
 * forwards a signed hand-off header to rendering and schedules the touch with `event.waitUntil`; rendering's
 * `getCurrentSession()` verifies the header instead of asking Redis again. One Redis command per request.
 * Seam: routes without middleware still work — `getCurrentSession()` falls back to Redis; but a route outside
 * the matcher would also see a client-sent hand-off header, so the matcher must cover every path that renders.
 */
import { cookies, headers } from "next/headers";
import { after, NextResponse, userAgent, type NextFetchEvent, type NextRequest } from "next/server";
import { cache } from "react";
import { loadSessionConfig, operationsFromEnv, type SessionConfig } from "./config";
import { deviceFromParts } from "./device";
import {
  buildCookie,
  buildEndedCookie,
  endedCookieName,
  lastCookieValue,
  parseEndedReason,
  pickSessionCookie,
  sessionCookieValues,
} from "./cookie";
import { HANDOFF_HEADER } from "./handoff";
import { sameOriginPath } from "./path";
import { refuseCrossSiteRequest, refuseServerActionBody, type Refusal } from "./request-guards";
import type { SessionKitOptions } from "./context";
import { createSessionKit, kitContext, type SessionKit } from "./kit";
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
/** An @upstash/redis client, as `createSessionKit({ redis })` takes it. */
type Redis = NonNullable<SessionKitOptions["redis"]>;
let redisFactory: ((config: SessionConfig) => Redis) | undefined;

/**
 * Gives the app-wide kit its Redis client instead of the fetch-based default, e.g. a Node-only transport at
 * the top of proxy.ts (docs/proxy.example.ts). Each bundle (middleware, rendering) has its own kit: this one
 * applies to the file that calls it. Must run before the kit is first used.
 */
export function setSessionRedis(factory: (config: SessionConfig) => Redis): void {
  if (singleton !== undefined) {
    throw new Error(
      "session: setSessionRedis() must run before the kit is first used (call it at module top)",
    );
  }
  redisFactory = factory;
}

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
  if (singleton === undefined) {
    const redis = redisFactory?.(loadSessionConfig());
    singleton = createSessionKit({
      ...operationsFromEnv(),
      defer: deferTask,
      ...(redis === undefined ? {} : { redis }),
    });
  }
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
  const ended = buildEndedCookie(getSessionKit().config, null);
  if (store.get(ended.name) !== undefined) store.set(ended.name, ended.value, ended.options);
}

export async function clearSessionCookie(): Promise<void> {
  await setSessionCookie(buildCookie(getSessionKit().config, "", 0));
}

/**
 * Why a browser without a session cookie was signed out, when a request that already cleared the cookie (a
 * prefetch, another tab) left the reason behind; "missing" otherwise.
 */
export async function readSignedOutReason(): Promise<SignedOutReason> {
  const store = await cookies();
  return parseEndedReason(store.get(endedCookieName(getSessionKit().config))?.value) ?? "missing";
}

/**
 * Every value of the session cookie this request carries (twins included, bounded), or only the one this
 * request has set itself (an action that signed in or out), which `cookies()` reports and the header does not.
 */
async function readSessionCookieValues(): Promise<string[]> {
  // cookies() before the kit: it marks the route dynamic, so `next build` never needs the runtime secrets.
  const store = await cookies();
  const name = getSessionKit().config.cookieName;
  const current = store.get(name)?.value;
  const header = (await headers()).get("cookie");
  if (current !== lastCookieValue(header, name))
    return current === undefined || current === "" ? [] : [current];
  return sessionCookieValues(header, name);
}

/** The session cookie to act on (sign out, revoke others, replace at sign-in): with twins, the live one. */
export async function readSessionCookie(): Promise<string | undefined> {
  const values = await readSessionCookieValues();
  if (values.length <= 1) return values[0];
  return (await pickCurrentCookie()).value;
}

/** Middleware's hand-off for this request's exact cookie, verified once per render (React `cache`). */
const readHandoff = cache(async (cookieValue: string): Promise<Handoff | null> =>
  kitContext(getSessionKit()).handoff.verify((await headers()).get(HANDOFF_HEADER), cookieValue),
);

/**
 * The cookie value and its validation, once per render: middleware's hand-off when one verifies for a value,
 * otherwise the first value that is a live session (`pickSessionCookie`: a junk twin never signs the browser out).
 */
const pickCurrentCookie = cache(async (): Promise<{ value?: string; result: ValidationResult }> => {
  const values = await readSessionCookieValues();
  if (values.length === 0) return { result: { ok: false, reason: await readSignedOutReason() } };
  for (const value of values) {
    const handedOff = await readHandoff(value);
    if (handedOff !== null)
      return { value, result: { ok: true, session: handedOff.session, touchDue: false } };
  }
  const kit = getSessionKit();
  return pickSessionCookie(values, (value) => kit.validateSessionToken(value));
});

/**
 * The current request's session, once per render (React `cache`). Uses middleware's signed hand-off when it
 * verifies for this exact cookie; otherwise validates via Redis and schedules the touch with `after()` when due.
 */
export const getCurrentSession: () => Promise<ValidationResult> = cache(
  async (): Promise<ValidationResult> => {
    const { value, result } = await pickCurrentCookie();
    if (result.ok && result.touchDue && value !== undefined) {
      const kit = getSessionKit();
      after(async () => {
        await kit.touchSession(value);
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
  // Same-origin path only: "//evil.example" or "/\\evil" would be an open redirect after login.
  const next = sameOriginPath(request.nextUrl.pathname + request.nextUrl.search);
  if (next !== null) url.searchParams.set("next", next);
  url.searchParams.set("reason", reason);
  return NextResponse.redirect(url);
}

/** Next's own default limit for a Server Action body (1 MB). */
const DEFAULT_ACTION_BODY_LIMIT_BYTES = 1024 * 1024;

/** Headers the app adds to one request: `request` ones reach rendering, `response` ones go on the answer. */
export type ExtraHeaders = { request?: Record<string, string>; response?: Record<string, string> };

export type SessionMiddlewareOptions = {
  isProtected: (pathname: string) => boolean;
  loginPath?: string;
  /**
   * For GET requests to the paths it matches, validate and list the user's sessions (and `activityLimit`
   * activity entries) in one script instead of the GET, and hand the listing over too; the page reads it with
   * `listCurrentUserSessions()`. Not for POSTs: a Server Action changes the list before the page re-renders, so
   * that render lists afresh.
   */
  preloadSessionList?: { paths: (pathname: string) => boolean; activityLimit?: number };
  /**
   * Paths not worth a Redis call here (files such as `/logo.png`): middleware only removes a client-sent
   * hand-off header, so whatever renders there (a 404 page) validates the cookie itself.
   */
  skipValidation?: (pathname: string) => boolean;
  /**
   * Refuse (403) state-changing requests from another origin, and cookie-carrying ones with neither `Origin`
   * nor `Sec-Fetch-Site: same-origin` (request-guards.ts). Next.js refuses cross-origin action posts too, but
   * with a 500 and only for actions. @default true
   */
  refuseCrossSite?: boolean;
  serverActions?: {
    /**
     * Largest form post accepted, in bytes; a bigger one (413) or one without a Content-Length (411) is refused
     * before Next reads it, and so is a Server Action post that is not multipart (400). Keep it equal to
     * `serverActions.bodySizeLimit` in next.config. @default 1 MiB, Next's default
     */
    bodySizeLimitBytes?: number;
    /**
     * While the store is down, let Server Action posts to protected paths through instead of answering 503:
     * the action's own session check sees the outage and returns a form state the client can show (it cannot
     * parse a 503 page). @default true
     */
    runWhenUnavailable?: boolean;
  };
  /**
   * Extra headers for each request, e.g. a Content-Security-Policy with a fresh nonce (Next reads the nonce
   * from the request's CSP header and stamps its own scripts; the browser enforces the response's).
   */
  headers?: (request: NextRequest) => ExtraHeaders;
};

function refusedResponse(refusal: Refusal): NextResponse {
  return new NextResponse(refusal.message, {
    status: refusal.status,
    headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" },
  });
}

/**
 * Lets the request through to rendering: with `forwarded` (already without a client's hand-off header) or,
 * without it, the request's own headers minus any hand-off header; plus the app's extra request headers.
 */
function passOn(
  request: NextRequest,
  forwarded: Headers | undefined,
  extra: Record<string, string> | undefined,
): NextResponse {
  let headers = forwarded;
  if (headers === undefined) {
    // Overriding request headers makes Next copy every header through the response: only when needed.
    if (extra === undefined && !request.headers.has(HANDOFF_HEADER)) return NextResponse.next();
    headers = new Headers(request.headers);
    // Only this middleware may set the hand-off header: drop whatever the client sent.
    headers.delete(HANDOFF_HEADER);
  }
  for (const [name, value] of Object.entries(extra ?? {})) headers.set(name, value);
  return NextResponse.next({ request: { headers } });
}

/**
 * Middleware that validates the session cookie on every request carrying one (one Redis GET), hands the verified
 * session to rendering in a signed header, and protects the paths `isProtected` matches. Before any of that it
 * refuses cross-site requests and malformed Server Action posts (see the options). A request with several
 * session cookies (a twin tossed from a sibling subdomain or path) counts as signed in when one of them is live
 * (`pickSessionCookie`, bounded); rendering then sees that one only, and no twin is ever cleared in its stead.
 */
export function sessionMiddleware(
  options: SessionMiddlewareOptions,
): (request: NextRequest, event: NextFetchEvent) => Promise<NextResponse> {
  const validate = validatingMiddleware(options);
  const bodySizeLimitBytes = options.serverActions?.bodySizeLimitBytes ?? DEFAULT_ACTION_BODY_LIMIT_BYTES;
  return async (request, event) => {
    const extra = options.headers?.(request) ?? {};
    const config = getSessionKit().config;
    const refusal =
      (options.refuseCrossSite === false
        ? null
        : refuseCrossSiteRequest(request, {
            cookieName: config.cookieName,
            trustedHostHeader: config.trustedHostHeader,
          })) ?? refuseServerActionBody(request, { bodySizeLimitBytes });
    let response: NextResponse;
    if (refusal !== null) response = refusedResponse(refusal);
    else if (options.skipValidation?.(request.nextUrl.pathname) === true)
      response = passOn(request, undefined, extra.request);
    else response = await validate(request, event, extra.request);
    for (const [name, value] of Object.entries(extra.response ?? {})) response.headers.set(name, value);
    return response;
  };
}

function isServerActionPost(request: NextRequest): boolean {
  return request.method === "POST" && request.headers.has("next-action");
}

/** The session check itself: validate, hand off, redirect or fail closed. */
function validatingMiddleware(
  options: SessionMiddlewareOptions,
): (
  request: NextRequest,
  event: NextFetchEvent,
  extra: Record<string, string> | undefined,
) => Promise<NextResponse> {
  const loginPath = options.loginPath ?? "/login";
  const preload = options.preloadSessionList;
  const runWhenUnavailable = options.serverActions?.runWhenUnavailable !== false;
  return async (request, event, extra) => {
    const kit = getSessionKit();
    const name = kit.config.cookieName;
    const isProtected = options.isProtected(request.nextUrl.pathname);
    // Every value of the cookie, not `request.cookies.get` (one of them): a junk twin must not hide the live one.
    const cookieValues = sessionCookieValues(request.headers.get("cookie"), name);

    if (cookieValues.length === 0) {
      if (isProtected) {
        const ended = parseEndedReason(request.cookies.get(endedCookieName(kit.config))?.value);
        return loginRedirect(request, loginPath, ended ?? "missing");
      }
      return passOn(request, undefined, extra);
    }
    const forwarded = new Headers(request.headers);
    // Only this middleware may set the hand-off header: drop whatever the client sent.
    forwarded.delete(HANDOFF_HEADER);

    const listed =
      preload !== undefined &&
      (request.method === "GET" || request.method === "HEAD") &&
      preload.paths(request.nextUrl.pathname);
    const activityLimit = preload?.activityLimit;
    const validate = (value: string): Promise<ValidationResult & { listing?: SessionListing }> =>
      listed ? kit.validateAndListSessions(value, { activityLimit }) : kit.validateSessionToken(value);
    const { value: cookieValue, result } = await pickSessionCookie(cookieValues, validate);
    if (result.ok) {
      // With the revalidate window on, rendering sees the re-sealed cookie: bind the hand-off to that value.
      // With twins, rendering sees the live value only; the response leaves the others alone (another Domain or
      // Path: a Set-Cookie from here could not delete them, it would overwrite the live one).
      const boundValue = result.cookie?.value ?? cookieValue;
      const sent = forwarded.get("cookie");
      if (cookieValues.length > 1 || lastCookieValue(sent, name) !== boundValue) {
        forwarded.set("cookie", rewriteCookieHeader(sent, name, boundValue));
      }
      const listing =
        result.listing === undefined ? undefined : { ...result.listing, activityLimit: activityLimit ?? 0 };
      forwarded.set(HANDOFF_HEADER, await kitContext(kit).handoff.sign(result.session, boundValue, listing));
      const response = passOn(request, forwarded, extra);
      if (result.cookie !== undefined) {
        response.cookies.set(result.cookie.name, result.cookie.value, result.cookie.options);
      }
      if (result.touchDue) event.waitUntil(kit.touchSession(cookieValue).then(() => undefined));
      return response;
    }

    if (result.reason === "unavailable") {
      // Fail closed for protected pages, keep the cookie: the user is not signed out, the store is down.
      if (isProtected && !(runWhenUnavailable && isServerActionPost(request))) {
        return new NextResponse(UNAVAILABLE_HTML, {
          status: 503,
          headers: {
            "content-type": "text/html; charset=utf-8",
            "retry-after": "5",
            "cache-control": "no-store",
          },
        });
      }
      return passOn(request, forwarded, extra);
    }

    // Signed out: clear the cookie, and hide it from rendering so pages do not re-check it.
    let response: NextResponse;
    if (isProtected) {
      response = loginRedirect(request, loginPath, result.reason);
    } else {
      forwarded.set("cookie", rewriteCookieHeader(forwarded.get("cookie"), name, undefined));
      response = passOn(request, forwarded, extra);
    }
    const cleared = buildCookie(kit.config, "", 0);
    response.cookies.set(cleared.name, cleared.value, cleared.options);
    // This request may be a prefetch or another tab: keep the reason for the navigation the user will see.
    const endedReason = parseEndedReason(result.reason);
    if (endedReason !== undefined) {
      const ended = buildEndedCookie(kit.config, endedReason);
      response.cookies.set(ended.name, ended.value, ended.options);
    }
    return response;
  };
}
