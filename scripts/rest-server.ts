/**
 * `npm run rest-server`: the local Upstash REST server on its own.
 *
 *   npm run rest-server -- [--port 8079] [--host 127.0.0.1] [--token T] [--redis-url redis://...] [--embedded]
 *
 * Without --redis-url (or REDIS_URL) it starts a redis-server on a free port (or the embedded
 * engine) like `npm run dev` does. Prints the URL and token; Ctrl-C stops it.
 */
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import { startStack } from "./stack";
import { startRestServer } from "./upstash-rest/index";

interface Running {
  url: string;
  token: string;
  redis: string;
  stop(): Promise<void>;
}

async function start(): Promise<Running> {
  const { values } = parseArgs({
    options: {
      port: { type: "string", default: "8079" },
      host: { type: "string", default: "127.0.0.1" },
      token: { type: "string" },
      "redis-url": { type: "string" },
      embedded: { type: "boolean", default: false },
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new Error(`rest-server: --port must be 0..65535, got ${values.port}`);
  const token = values.token ?? process.env.UPSTASH_REDIS_REST_TOKEN ?? randomBytes(24).toString("base64url");
  const redisUrl = values["redis-url"] ?? process.env.REDIS_URL;
  if (redisUrl !== undefined && redisUrl !== "" && !values.embedded) {
    const server = await startRestServer({ redis: { url: redisUrl }, token, port, host: values.host });
    return { url: server.url, token, redis: redisUrl, stop: () => server.close() };
  }
  if (values.host !== "127.0.0.1")
    throw new Error("rest-server: --host needs --redis-url (the stack listens on 127.0.0.1)");
  const stack = await startStack({ token, restPort: port, embedded: values.embedded });
  return { url: stack.restUrl, token, redis: stack.redisUrl ?? "embedded engine", stop: () => stack.stop() };
}

async function main(): Promise<void> {
  const running = await start();
  process.stdout.write(
    [
      `rest-server: listening on ${running.url} (redis: ${running.redis})`,
      `UPSTASH_REDIS_REST_URL=${running.url}`,
      `UPSTASH_REDIS_REST_TOKEN=${running.token}`,
      "",
    ].join("\n"),
  );
  const shutdown = (): void => {
    running.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once("SIGINT", shutdown);
  process.once("SIGTERM", shutdown);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
