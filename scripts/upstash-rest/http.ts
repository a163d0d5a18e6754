/**
 * Small node:http helpers for the REST server: bounded body reading, JSON replies with the
 * `upstash-sync-token` header on every 2xx, and bearer-token checking.
 */
import { timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";

export type BodyResult =
  { readonly ok: true; readonly body: Buffer } | { readonly ok: false; readonly tooLarge: true };

/** Reads the request body, giving up (and draining the rest) once it exceeds `limitBytes`. */
export function readBody(req: IncomingMessage, limitBytes: number): Promise<BodyResult> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on("data", (chunk: Buffer) => {
      if (tooLarge) return;
      size += chunk.length;
      if (size > limitBytes) {
        tooLarge = true;
        chunks.length = 0;
        resolve({ ok: false, tooLarge: true });
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => {
      if (!tooLarge) resolve({ ok: true, body: Buffer.concat(chunks) });
    });
    req.on("error", reject);
  });
}

let syncCounter = 0;

/** A fresh read-your-writes token: process-wide, never repeats within a process. */
export function nextSyncToken(): string {
  syncCounter += 1;
  return `${process.pid}-${syncCounter}`;
}

export function sendJson(
  res: ServerResponse,
  status: number,
  json: string,
  extraHeaders?: Record<string, string>,
): void {
  const headers: Record<string, string | number> = {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(json),
    "cache-control": "no-store",
    ...extraHeaders,
  };
  if (status >= 200 && status < 300) headers["upstash-sync-token"] = nextSyncToken();
  res.writeHead(status, headers);
  res.end(json);
}

export function sendError(
  res: ServerResponse,
  status: number,
  message: string,
  extraHeaders?: Record<string, string>,
): void {
  sendJson(res, status, JSON.stringify({ error: message }), extraHeaders);
}

function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, "utf8");
  const right = Buffer.from(b, "utf8");
  return left.length === right.length && timingSafeEqual(left, right);
}

/** True when `Authorization: Bearer <token>` or `?_token=<token>` carries the expected token. */
export function isAuthorized(req: IncomingMessage, url: URL, token: string): boolean {
  const header = req.headers.authorization;
  if (typeof header === "string") {
    const match = /^Bearer\s+(.+)$/i.exec(header.trim());
    if (match?.[1] !== undefined && safeEqual(match[1], token)) return true;
  }
  const queryToken = url.searchParams.get("_token");
  return queryToken !== null && safeEqual(queryToken, token);
}
