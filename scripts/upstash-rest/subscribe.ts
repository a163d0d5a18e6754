/**
 * Server-sent events for `POST /subscribe/{channel}` and `POST /psubscribe/{pattern}` (spec §1.6).
 *
 * Each request gets its own Redis connection, closed when the client aborts. Lines are
 * `data: subscribe,<ch>,<count>`, `data: message,<ch>,<text>` and
 * `data: pmessage,<pattern>,<ch>,<text>`; messages are never base64 (the client expects raw text).
 * A message containing a newline cannot be framed in this line format: its newlines are sent as
 * spaces (Upstash's behaviour there is unknown). The stream ends if Redis goes away.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Engine } from "./engine";
import { nextSyncToken, sendError } from "./http";

export interface SubscribeTarget {
  readonly pattern: boolean;
  readonly target: string;
}

/** `/…/subscribe/a/b` → channel "a/b" (segments percent-decoded), or null when the path is not one. */
export function subscribeTarget(pathname: string): SubscribeTarget | null {
  const segments = pathname.split("/").filter((segment) => segment !== "");
  const index = segments.findIndex((segment) => segment === "subscribe" || segment === "psubscribe");
  if (index < 0) return null;
  const rest = segments.slice(index + 1);
  if (rest.length === 0) return null;
  try {
    return {
      pattern: segments[index] === "psubscribe",
      target: rest.map((segment) => decodeURIComponent(segment)).join("/"),
    };
  } catch {
    return null;
  }
}

function line(text: string): string {
  return `data: ${text.replace(/\r?\n/g, " ")}\n\n`;
}

export async function handleSubscribe(
  req: IncomingMessage,
  res: ServerResponse,
  engine: Engine,
  target: SubscribeTarget,
): Promise<void> {
  if (engine.subscriber === undefined)
    return sendError(res, 501, "ERR subscriptions need a real Redis (embedded engine)");
  const subscriber = await engine.subscriber();
  let open = true;
  const finish = (): void => {
    if (!open) return;
    open = false;
    subscriber.close();
    if (!res.writableEnded) res.end();
  };
  req.on("close", finish);
  res.on("close", finish);
  subscriber.onClose(finish);
  subscriber.onMessage((pattern, channel, message) => {
    if (!open) return;
    res.write(
      line(pattern === null ? `message,${channel},${message}` : `pmessage,${pattern},${channel},${message}`),
    );
  });

  let count: number;
  try {
    count = await subscriber.subscribe(target.target, target.pattern);
  } catch (error) {
    finish();
    throw error;
  }
  if (!open) return;
  res.writeHead(200, {
    "content-type": "text/event-stream",
    "cache-control": "no-cache",
    connection: "keep-alive",
    "upstash-sync-token": nextSyncToken(),
  });
  res.write(line(`${target.pattern ? "psubscribe" : "subscribe"},${target.target},${count}`));
}
