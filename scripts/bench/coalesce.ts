/**
 * REST requests per validation with coalescing (lib/session/coalesce.ts), at N concurrent closed-loop clients in
 * one process: each client validates its own cookie, does `--work-ms` of synchronous CPU (a page's rendering
 * stands in for it), and starts again. The REST server runs in a process of its own in front of a redis-server.
 * Counts, not timings, are the point: requests and commands per validation, with coalescing on and off.
 *   npx tsx scripts/bench/coalesce.ts [--clients 10] [--validations 3000] [--work-ms 2]
 */
import { parseArgs } from "node:util";
import { createSessionKit } from "../../lib/session/index";
import { startStack } from "../stack";
import { startRestProcess } from "./rest-process";

const { values } = parseArgs({
  options: {
    clients: { type: "string", default: "10" },
    validations: { type: "string", default: "3000" },
    "work-ms": { type: "string", default: "2" },
  },
});
const clients = Number(values.clients);
const total = Number(values.validations);
const workMs = Number(values["work-ms"]);

function busy(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

async function measure(restUrl: string, token: string, maxBatch: number): Promise<string> {
  const kit = createSessionKit({
    env: { UPSTASH_REDIS_REST_URL: restUrl, UPSTASH_REDIS_REST_TOKEN: token, SESSION_SECRET: "c".repeat(40) },
    config: { keyPrefix: `coalesce-bench-${maxBatch}:`, redis: { maxBatch } },
  });
  const device = { userAgent: "bench", browser: "bench", os: "bench" };
  const cookies: string[] = [];
  for (let i = 0; i < clients; i++) {
    const created = await kit.createSession({ userId: `u${i}`, device });
    if (!created.ok) throw new Error(`bench: sign-in failed (${created.reason})`);
    cookies.push(created.cookie.value);
  }
  let requests = 0;
  let commands = 0;
  const original = globalThis.fetch;
  globalThis.fetch = (input, init): Promise<Response> => {
    requests += 1;
    const body = JSON.parse(String(init?.body ?? "[]")) as unknown[];
    commands += Array.isArray(body[0]) ? body.length : 1;
    return original(input, init);
  };
  let left = total;
  let failed = 0;
  await Promise.all(
    cookies.map(async (cookie) => {
      while (left > 0) {
        left -= 1;
        const result = await kit.validateSessionToken(cookie);
        if (!result.ok) failed += 1;
        busy(workMs);
      }
    }),
  );
  globalThis.fetch = original;
  const label = maxBatch === 1 ? "coalescing off (maxBatch 1)" : `coalescing on (maxBatch ${maxBatch})`;
  return (
    `${label}: ${total} validations, ${clients} clients, ${workMs} ms work each: ` +
    `${(requests / total).toFixed(3)} REST requests and ${(commands / total).toFixed(3)} commands per ` +
    `validation${failed > 0 ? `, ${failed} failed` : ""}`
  );
}

const stack = await startStack({ useRedisUrl: false, allowEmbedded: false });
const rest = await startRestProcess(stack.redisUrl ?? "");
try {
  for (const maxBatch of [1, 32]) console.log(await measure(rest.url, rest.token, maxBatch));
} finally {
  await rest.stop();
  await stack.stop();
}
