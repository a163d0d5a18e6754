/**
 * Request guards run by `sessionMiddleware()` before any session lookup: each returns a refusal (the status
 * and a sentence for a text/plain answer) or null to go on. Web `Request` and `Headers` only, so they run on
 * the Edge and in Node.
 *
 * - `refuseCrossSiteRequest`: a state-changing request (any method but GET, HEAD, OPTIONS) whose `Origin` is
 *   another host, and one that carries the session cookie with neither `Origin` nor
 *   `Sec-Fetch-Site: same-origin`. Browsers send `Origin` on every cross-origin POST and on same-origin ones
 *   too (all current engines), so the second rule only turns away old browsers and scripts that replay a
 *   cookie; a script without the cookie (a cron job, a sign-in by API) is not held to it.
 *   The host compared is `Host`, unless `trustedHostHeader` names the header a proxy sets (its last entry:
 *   what the nearest proxy wrote). A client-sent X-Forwarded-Host is never trusted by default.
 * - `refuseServerActionBody`: a Server Action post that none of the app's forms send. Next's client posts
 *   multipart/form-data when an argument is FormData (every `<form action>`); text/plain or JSON bodies carry
 *   other arguments, which Next would decode and hand to an action expecting FormData. A body over the limit,
 *   or one whose length is not announced, is refused before Next reads it (Next itself would answer 500).
 * Seam: both are exported for apps with their own middleware; `sessionMiddleware()` runs them by default.
 */

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** Why a request is turned away before it reaches the app. */
export type Refusal = { status: 400 | 403 | 411 | 413; message: string };

function refusal(status: Refusal["status"], message: string): Refusal {
  return { status, message };
}

/**
 * The host this request was addressed to: the last entry of the configured proxy header, else Host, else the
 * request URL's (a Request built without a Host header, as in tests).
 */
function expectedHost(request: Request, trustedHostHeader: string | undefined): string {
  if (trustedHostHeader !== undefined) {
    const forwarded = request.headers.get(trustedHostHeader);
    const last = forwarded?.split(",").at(-1)?.trim();
    if (last !== undefined && last !== "") return last.toLowerCase();
  }
  return (request.headers.get("host") ?? new URL(request.url).host).toLowerCase();
}

/** True when the Cookie header carries a non-empty cookie named `name`. */
function hasCookie(headers: Headers, name: string): boolean {
  const header = headers.get("cookie");
  if (header === null) return false;
  return header.split(";").some((part) => {
    const [key, ...value] = part.trim().split("=");
    return key === name && value.join("=") !== "";
  });
}

export function refuseCrossSiteRequest(
  request: Request,
  options: { cookieName: string; trustedHostHeader?: string },
): Refusal | null {
  if (SAFE_METHODS.has(request.method.toUpperCase())) return null;
  const origin = request.headers.get("origin");
  if (origin === null) {
    if (!hasCookie(request.headers, options.cookieName)) return null;
    if (request.headers.get("sec-fetch-site") === "same-origin") return null;
    // A cookie, and nothing saying the page that sent it is ours: a CSRF the old browser did not label.
    return refusal(
      403,
      "Requests that change something must come from this site's pages (no Origin header).",
    );
  }
  let originHost: string;
  try {
    originHost = origin === "null" ? "" : new URL(origin).host.toLowerCase();
  } catch {
    originHost = "";
  }
  if (originHost !== "" && originHost === expectedHost(request, options.trustedHostHeader)) return null;
  return refusal(403, "Cross-origin requests that change something are not accepted.");
}

/** Content types Next reads a Server Action from; only multipart carries FormData arguments. */
function isFormPost(contentType: string): boolean {
  return contentType.startsWith("multipart/form-data") || contentType === "application/x-www-form-urlencoded";
}

export function refuseServerActionBody(
  request: Request,
  options: { bodySizeLimitBytes: number },
): Refusal | null {
  if (request.method.toUpperCase() !== "POST") return null;
  const contentType = (request.headers.get("content-type") ?? "").toLowerCase();
  const isFetchAction = request.headers.has("next-action");
  // Next treats every multipart or url-encoded POST to a page as a possible (no-JavaScript) action.
  if (!isFetchAction && !isFormPost(contentType)) return null;
  if (isFetchAction && !contentType.startsWith("multipart/form-data")) {
    return refusal(400, "Server Actions accept form posts (multipart/form-data) only.");
  }
  const length = request.headers.get("content-length");
  if (length === null || !/^\d+$/.test(length)) {
    return refusal(411, "Form posts must announce their Content-Length.");
  }
  if (Number(length) > options.bodySizeLimitBytes) {
    return refusal(413, `Form post too large (limit ${options.bodySizeLimitBytes} bytes).`);
  }
  return null;
}
