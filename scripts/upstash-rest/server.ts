/**
 * Routes and auth of the local Upstash REST server (the protocol: scripts/upstash-rest/README.md).
 *
 * - `POST /`            one command `["get","k"]` → 200 `{result}` | 400 `{error}`
 * - `POST /pipeline`    `[[...],[...]]` → 200 `[{result}|{error}, ...]`, in order, not atomic
 * - `POST /multi-exec`  same body → 200 array, or 400 `{error}` when the whole transaction is rejected
 * - `GET /ping`         health: 200 `{"result":"PONG"}` when Redis answers (no token needed)
 * - `POST /subscribe/{ch}`, `/psubscribe/{pattern}`: SSE (see subscribe.ts; real Redis only)
 * Any path prefix is accepted (`/redis/pipeline`). PUT is treated as POST; methods other than
 * HEAD/GET/POST/PUT get 405. Every error body is JSON; every 2xx carries a fresh `upstash-sync-token`.
 * Redis unreachable → 500 `{error}` at once (the pool fails fast and reconnects by itself).
 * Not implemented: path-style commands, `/monitor` (501 JSON), `Upstash-Response-Format: resp2`.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { parseCommand } from "./args";
import { type Value, entryJson, err } from "./encode";
import { type Command, type Engine, UnavailableError } from "./engine";
import { isAuthorized, readBody, sendError, sendJson } from "./http";
import { refusal } from "./refused";
import { handleSubscribe, subscribeTarget } from "./subscribe";

export interface HandlerOptions {
  readonly engine: Engine;
  readonly token: string;
  readonly bodyLimitBytes: number;
}

type Route = "command" | "pipeline" | "multi-exec" | "ping" | "subscribe";

function routeOf(pathname: string): Route {
  const segments = pathname.split("/").filter((segment) => segment !== "");
  const last = segments.at(-1) ?? "";
  if (last === "pipeline") return "pipeline";
  if (last === "multi-exec") return "multi-exec";
  if (last === "ping" && segments.length === 1) return "ping";
  if (
    segments.some((segment) => segment === "subscribe" || segment === "psubscribe" || segment === "monitor")
  ) {
    return "subscribe";
  }
  return "command";
}

function wantsBase64(req: IncomingMessage): boolean {
  const header = req.headers["upstash-encoding"];
  const values = Array.isArray(header) ? header : [header ?? ""];
  return values.some((value) => value.trim().toLowerCase() === "base64");
}

/** A parsed command, or the refusal / conversion error that stands in for its reply. */
function prepare(raw: unknown): { command: Command } | { error: string } {
  const parsed = parseCommand(raw);
  if (!parsed.ok) return { error: parsed.error };
  const refused = refusal(parsed.command);
  if (refused !== null) return { error: refused };
  return { command: parsed.command };
}

async function handleCommand(
  res: ServerResponse,
  engine: Engine,
  body: unknown,
  base64: boolean,
): Promise<void> {
  const prepared = prepare(body);
  if ("error" in prepared) return sendError(res, 400, prepared.error);
  const reply = await engine.command(prepared.command);
  if (reply.t === "err") return sendError(res, 400, reply.message);
  sendJson(res, 200, entryJson(reply, base64));
}

async function handlePipeline(
  res: ServerResponse,
  engine: Engine,
  body: unknown,
  base64: boolean,
): Promise<void> {
  if (!Array.isArray(body))
    return sendError(res, 400, "ERR the pipeline body must be a JSON array of commands");
  const prepared = (body as unknown[]).map(prepare);
  const runnable = prepared.flatMap((entry) => ("command" in entry ? [entry.command] : []));
  const replies = await engine.pipeline(runnable);
  let next = 0;
  const entries = prepared.map((entry): Value => {
    if ("error" in entry) return err(entry.error);
    const reply = replies[next];
    next += 1;
    return reply ?? err("ERR missing reply");
  });
  sendJson(res, 200, `[${entries.map((entry) => entryJson(entry, base64)).join(",")}]`);
}

async function handleMultiExec(
  res: ServerResponse,
  engine: Engine,
  body: unknown,
  base64: boolean,
): Promise<void> {
  if (!Array.isArray(body))
    return sendError(res, 400, "ERR the transaction body must be a JSON array of commands");
  const commands: Command[] = [];
  for (const raw of body as unknown[]) {
    const prepared = prepare(raw);
    if ("error" in prepared) return sendError(res, 400, prepared.error);
    commands.push(prepared.command);
  }
  const result = await engine.transaction(commands);
  if (!result.ok) return sendError(res, 400, result.error);
  sendJson(res, 200, `[${result.replies.map((reply) => entryJson(reply, base64)).join(",")}]`);
}

async function handlePing(res: ServerResponse, engine: Engine): Promise<void> {
  const reply = await engine.command({ name: "PING", args: [] });
  if (reply.t === "err") return sendError(res, 500, reply.message);
  sendJson(res, 200, JSON.stringify({ result: "PONG" }));
}

function parseJson(body: Buffer): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(body.toString("utf8")) as unknown };
  } catch {
    return { ok: false };
  }
}

async function dispatch(req: IncomingMessage, res: ServerResponse, options: HandlerOptions): Promise<void> {
  const method = req.method ?? "GET";
  if (!["HEAD", "GET", "POST", "PUT"].includes(method)) {
    return sendError(res, 405, `ERR method ${method} not allowed`, { allow: "HEAD, GET, POST, PUT" });
  }
  const url = new URL(req.url ?? "/", "http://localhost");
  const route = routeOf(url.pathname);
  if (route === "ping") return handlePing(res, options.engine);
  if (!isAuthorized(req, url, options.token))
    return sendError(res, 401, "WRONGPASS invalid or missing auth token");
  if (route === "subscribe") {
    const target = subscribeTarget(url.pathname);
    if (target === null) {
      return sendError(res, 501, "ERR only /subscribe/{channel} and /psubscribe/{pattern} are supported");
    }
    return handleSubscribe(req, res, options.engine, target);
  }
  if (method === "GET" || method === "HEAD")
    return sendError(res, 400, "ERR send the command as a JSON array with POST");

  const body = await readBody(req, options.bodyLimitBytes);
  if (!body.ok) return sendError(res, 413, "ERR max request size exceeded", { connection: "close" });
  const parsed = parseJson(body.body);
  if (!parsed.ok) return sendError(res, 400, "ERR the request body is not valid JSON");
  const base64 = wantsBase64(req);
  if (route === "pipeline") return handlePipeline(res, options.engine, parsed.value, base64);
  if (route === "multi-exec") return handleMultiExec(res, options.engine, parsed.value, base64);
  return handleCommand(res, options.engine, parsed.value, base64);
}

/** The request listener: never throws, always answers JSON. */
export function createHandler(options: HandlerOptions): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    dispatch(req, res, options).catch((error: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (error instanceof UnavailableError) return sendError(res, 500, error.message);
      const message = error instanceof Error ? error.message : String(error);
      sendError(res, 500, `rest-server: internal error (${message})`);
    });
  };
}
