/**
 * The integration suite once more, against a local 3-primary Redis Cluster (TEST_REDIS_CLUSTER=1: the global
 * setup starts `redis-server --cluster-enabled` ×3 + `redis-cli --cluster create`, and the REST server routes
 * through ioredis.Cluster). Every session script and every auth multi-key operation must be slot-safe: a
 * script or transaction whose keys span slots fails with CROSSSLOT here, as on a real cluster.
 * Only the suites that touch the kit's and the app's keys run (the REST server's own protocol suites and the
 * copy story stay single-node): `npm test` runs it as the "vitest-cluster" step.
 */
import { defineConfig } from "vitest/config";
import base from "./vitest.config";

process.env.TEST_REDIS_CLUSTER = "1";

// Not mergeConfig: it would append to the base `include` instead of replacing it.
export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: [
      "tests/integration/session-*.test.ts",
      "tests/integration/auth-*.test.ts",
      "tests/integration/proxy-*.test.ts",
      "tests/integration/cluster-*.test.ts",
      "tests/integration/faults-races.test.ts",
      "tests/fuzz/**/*.test.ts",
    ],
  },
});
