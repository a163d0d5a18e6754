/**
 * Vitest global setup: starts one isolated stack (own redis-server on a free port, or REDIS_URL,
 * or the embedded engine as a last resort) plus the REST server, and hands its coordinates to the
 * test workers through `provide` (copied into `process.env` by `worker-env.ts`) and `process.env`.
 * TEST_REDIS_CLUSTER=1 (tests/vitest.cluster.config.ts) starts a local 3-primary Redis Cluster instead.
 */
import type { TestProject } from "vitest/node";
import { startStack } from "../../scripts/stack";

export const TEST_SESSION_SECRET = "test-session-secret-0123456789-abcdefghijklmnop";

declare module "vitest" {
  export interface ProvidedContext {
    testEnv: Record<string, string>;
  }
}

/** Tests call SCRIPT FLUSH and write keys: never against the shared default Redis port. */
function refuseDefaultRedis(url: string | undefined): void {
  if (url === undefined || url === "") return;
  const parsed = new URL(url);
  const port = parsed.port === "" ? "6379" : parsed.port;
  const loopback = ["127.0.0.1", "localhost", "[::1]", "::1"].includes(parsed.hostname);
  if (loopback && port === "6379") {
    throw new Error(
      "tests: REDIS_URL points at 127.0.0.1:6379; use a dedicated Redis (unset REDIS_URL to start one)",
    );
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const cluster = process.env.TEST_REDIS_CLUSTER === "1";
  if (!cluster) refuseDefaultRedis(process.env.REDIS_URL);
  const stack = await startStack({ cluster });
  const env: Record<string, string> = {
    UPSTASH_REDIS_REST_URL: stack.restUrl,
    UPSTASH_REDIS_REST_TOKEN: stack.restToken,
    UPSTASH_DISABLE_TELEMETRY: "1",
    TEST_STACK_KIND: stack.kind,
    SESSION_SECRET: process.env.SESSION_SECRET ?? TEST_SESSION_SECRET,
  };
  if (stack.redisUrl !== undefined) env.TEST_REDIS_URL = stack.redisUrl;
  if (stack.clusterNodes !== undefined) env.TEST_REDIS_CLUSTER_NODES = stack.clusterNodes.join(",");
  Object.assign(process.env, env);
  project.provide("testEnv", env);
  return async (): Promise<void> => {
    await stack.stop();
  };
}
