/**
 * Vitest configuration: unit tests (tests/unit, lib/**), integration tests against real Redis
 * through the local REST server (tests/integration), property-based fuzzing of the kit (tests/fuzz).
 * The global setup starts one isolated stack for the whole run; files starting with
 * `// @vitest-environment edge-runtime` run in the Edge VM.
 */
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const root = fileURLToPath(new URL("..", import.meta.url));

export default defineConfig({
  root,
  resolve: { alias: { "@": root } },
  test: {
    include: [
      "tests/unit/**/*.test.ts",
      "tests/integration/**/*.test.ts",
      "tests/fuzz/**/*.test.ts",
      "lib/**/*.test.ts",
    ],
    exclude: ["**/node_modules/**", "**/.next*/**", "tests/e2e/**"],
    globalSetup: ["tests/support/global-setup.ts"],
    setupFiles: ["tests/support/worker-env.ts"],
    environment: "node",
    // Two cores: keep the worker count small so integration tests do not starve the REST server.
    maxWorkers: 2,
    testTimeout: 20_000,
    hookTimeout: 30_000,
    teardownTimeout: 15_000,
  },
});
