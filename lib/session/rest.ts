/**
 * A minimal Upstash REST client: what the kit sends by itself — one command, or a pipeline of commands — over
 * fetch (Edge and Node).
 *
 * Why not @upstash/redis here: the kit needs only this, and the full client would be about 18 KiB (gzipped) of
 * the Edge middleware bundle, the biggest part of it after Next itself. Your own `@upstash/redis` client still
 * works (`createSessionKit({ redis })`), and operations use one (`createStoreClient`, client.ts).
 * Protocol (Upstash's, as scripts/upstash-rest serves it too): `POST <url>` with the command as a JSON array and
 * `Authorization: Bearer <token>` → `{ result }` or `{ error }`; `POST <url>/pipeline` with an array of them → one
 * `{ result }` or `{ error }` each, in order. Replies are plain JSON (no base64 encoding: the kit stores UTF-8
 * text only). The `upstash-sync-token` of each reply goes with the next request, as @upstash/redis does by
 * default: a read after a write never reads an older replica.
 * Budget: one `AbortSignal.timeout(timeoutMs)` covers a call and its retries, and a timeout throws; only a network
 * failure (fetch throws before the deadline) is retried, with backoff.
 * Seam: any object with `command` and `pipeline` will do (store.ts uses nothing else).
 */

/** One pipeline entry's reply. */
export type RestReply = { result?: unknown; error?: string };

export type RestClient = {
  /** One command; a Redis or HTTP error throws. */
  command: (args: readonly string[]) => Promise<unknown>;
  /** Commands in one request, one reply each; throws only when the request itself fails. */
  pipeline: (commands: ReadonlyArray<readonly string[]>) => Promise<RestReply[]>;
};

export type RestOptions = { url: string; token: string; timeoutMs: number; retries: number };

/** A Redis error (or the REST server's): its text is Redis's own, e.g. "NOSCRIPT No matching script...". */
function replyError(message: string): Error {
  const error = new Error(message);
  error.name = "RedisError";
  return error;
}

function errorText(body: unknown): string | undefined {
  if (typeof body !== "object" || body === null) return undefined;
  const error = (body as { error?: unknown }).error;
  return typeof error === "string" ? error : undefined;
}

export function createRestClient(options: RestOptions): RestClient {
  const base = options.url.replace(/\/+$/, "");
  let syncToken = "";

  async function post(path: string, body: unknown): Promise<unknown> {
    const signal = AbortSignal.timeout(options.timeoutMs);
    const headers: Record<string, string> = {
      authorization: `Bearer ${options.token}`,
      "content-type": "application/json",
    };
    if (syncToken !== "") headers["upstash-sync-token"] = syncToken;
    const init: RequestInit = { method: "POST", headers, body: JSON.stringify(body), signal };
    let response: Response;
    for (let attempt = 0; ; attempt += 1) {
      try {
        response = await fetch(`${base}${path}`, init);
        break;
      } catch (error) {
        if (signal.aborted || attempt >= options.retries) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.min(50 * 2 ** attempt, 400)));
      }
    }
    const text = await response.text();
    const token = response.headers.get("upstash-sync-token");
    if (token !== null && token !== "") syncToken = token;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw replyError(`session: the store answered HTTP ${response.status} without JSON`);
    }
    if (!response.ok)
      throw replyError(errorText(parsed) ?? `session: the store answered HTTP ${response.status}`);
    return parsed;
  }

  return {
    command: async (args) => {
      const reply = await post("", args);
      const error = errorText(reply);
      if (error !== undefined) throw replyError(error);
      return (reply as RestReply).result;
    },
    pipeline: async (commands) => {
      const replies = await post("/pipeline", commands);
      if (!Array.isArray(replies)) throw replyError("session: a pipeline reply was not a list");
      return replies as RestReply[];
    },
  };
}
