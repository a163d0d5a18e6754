/**
 * The local REST server for the bench, counting the HTTP requests it answers (REST round trips; a /pipeline
 * request is one however many commands it carries). The count is read from a second, loopback-only port, whose
 * own requests are not counted. Started by rest-process.ts.
 *
 *   tsx scripts/bench/rest-counting.ts --port P --token T --redis-url redis://... --stats-port S
 */
import { subscribe } from "node:diagnostics_channel";
import { createServer, type Server } from "node:http";
import { parseArgs } from "node:util";
import { startRestServer } from "../upstash-rest/index";

const { values } = parseArgs({
  options: {
    port: { type: "string" },
    token: { type: "string" },
    "redis-url": { type: "string" },
    "stats-port": { type: "string" },
  },
});
if (values.token === undefined || values["redis-url"] === undefined) {
  throw new Error("bench: rest-counting needs --token and --redis-url");
}

let requests = 0;
const stats: Server = createServer((_req, res) => {
  res.writeHead(200, { "content-type": "application/json" });
  res.end(JSON.stringify({ requests }));
});
subscribe("http.server.request.start", (message) => {
  if ((message as { server?: unknown }).server !== stats) requests += 1;
});

const server = await startRestServer({
  redis: { url: values["redis-url"] },
  token: values.token,
  port: Number(values.port ?? 0),
});
await new Promise<void>((resolve) => stats.listen(Number(values["stats-port"] ?? 0), "127.0.0.1", resolve));
process.stdout.write(`rest-counting: listening on ${server.url}\n`);
const stop = (): void => {
  stats.close();
  void server.close().then(() => process.exit(0));
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
