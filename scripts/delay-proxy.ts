/**
 * A tiny HTTP proxy that holds every request `delayMs` before forwarding it, then relays the reply unchanged:
 * a REST server that answers slowly, for fault tests (tests/integration/faults-redis.test.ts, and the e2e
 * server's control port `POST /rest/delay?ms=N`). Loopback only; at delay 0 it is a plain relay.
 * A client that gives up (timeout) closes its socket; the request is still forwarded afterwards, as a slow
 * network would deliver it, so "late writes" are part of what the tests see.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface DelayProxy {
  readonly url: string;
  setDelay(ms: number): void;
  readonly delayMs: number;
  close(): Promise<void>;
}

const FORWARDED_REQUEST_HEADERS = [
  "authorization",
  "content-type",
  "upstash-encoding",
  "upstash-sync-token",
  "accept",
];

export function startDelayProxy(target: string, options: { port?: number } = {}): Promise<DelayProxy> {
  let delayMs = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      setTimeout(() => {
        const headers: Record<string, string> = {};
        for (const name of FORWARDED_REQUEST_HEADERS) {
          const value = req.headers[name];
          if (typeof value === "string") headers[name] = value;
        }
        const method = req.method ?? "POST";
        const body = method === "GET" || method === "HEAD" ? undefined : Buffer.concat(chunks);
        fetch(`${target}${req.url ?? "/"}`, { method, headers, body })
          .then(async (upstream) => {
            const reply = Buffer.from(await upstream.arrayBuffer());
            const out: Record<string, string> = {
              "content-type": upstream.headers.get("content-type") ?? "application/json",
            };
            const sync = upstream.headers.get("upstash-sync-token");
            if (sync !== null) out["upstash-sync-token"] = sync;
            if (!res.destroyed) res.writeHead(upstream.status, out).end(reply);
          })
          .catch(() => res.destroy());
      }, delayMs);
    });
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        setDelay: (ms) => void (delayMs = Math.max(0, ms)),
        get delayMs() {
          return delayMs;
        },
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
