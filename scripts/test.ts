/**
 * `npm test`: every check, in order, stopping at the first failure:
 * prerequisites (redis-server, Chromium: see prerequisites.ts) → typecheck → lint → format check →
 * vitest (unit + integration) → vitest-cluster (the session and auth integration suites again, against a
 * local 3-primary Redis Cluster: tests/vitest.cluster.config.ts) → Playwright (e2e) → playwright-stepup (the
 * sudo-mode story again with an 8 s re-authentication window) → playwright-idle (the idle-warning story again on
 * the same build, with a 20 s server idle timeout).
 * Ends with a plain summary line, `steps: N passed, N failed[, N skipped]`; exits non-zero on failure.
 * `npm test -- --only vitest,playwright` or `npm test -- --from vitest` runs a subset.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { REPO_ROOT } from "./lib-next";
import { ensurePrerequisites } from "./prerequisites";

interface Step {
  readonly name: string;
  readonly bin: string;
  readonly args: readonly string[];
  /** Extra environment for this step only. */
  readonly env?: () => Record<string, string>;
}

/** The idle-warning story needs a short server idle timeout: same build, its own server started with these. */
function idleStepEnv(): Record<string, string> {
  const built = existsSync(join(REPO_ROOT, process.env.NEXT_DIST_DIR ?? ".next-e2e", "BUILD_ID"));
  return {
    SESSION_IDLE_TIMEOUT_SECONDS: "20",
    SESSION_TOUCH_INTERVAL_SECONDS: "5",
    SESSION_IDLE_WARNING_SECONDS: "10",
    E2E_REQUIRE_SHORT_IDLE: "1",
    ...(built ? { E2E_SKIP_BUILD: "1" } : {}),
  };
}

/** The sudo-mode expiry story needs a short re-authentication window: same build, its own server. */
function stepUpStepEnv(): Record<string, string> {
  const built = existsSync(join(REPO_ROOT, process.env.NEXT_DIST_DIR ?? ".next-e2e", "BUILD_ID"));
  return {
    SESSION_REAUTH_WINDOW_SECONDS: "8",
    E2E_REQUIRE_SHORT_REAUTH: "1",
    ...(built ? { E2E_SKIP_BUILD: "1" } : {}),
  };
}

const STEPS: readonly Step[] = [
  { name: "typecheck", bin: "tsc", args: ["--noEmit"] },
  { name: "lint", bin: "eslint", args: [".", "--max-warnings=0"] },
  { name: "format", bin: "prettier", args: ["--check", "."] },
  { name: "vitest", bin: "vitest", args: ["run", "--config", "tests/vitest.config.ts"] },
  { name: "vitest-cluster", bin: "vitest", args: ["run", "--config", "tests/vitest.cluster.config.ts"] },
  { name: "playwright", bin: "playwright", args: ["test", "--config", "tests/playwright.config.ts"] },
  {
    name: "playwright-stepup",
    bin: "playwright",
    args: ["test", "--config", "tests/playwright.config.ts", "tests/e2e/step-up.spec.ts"],
    env: stepUpStepEnv,
  },
  {
    name: "playwright-idle",
    bin: "playwright",
    args: ["test", "--config", "tests/playwright.config.ts", "tests/e2e/idle-timeout.spec.ts"],
    env: idleStepEnv,
  },
];

function run(step: Step): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(join(REPO_ROOT, "node_modules", ".bin", step.bin), step.args, {
      cwd: REPO_ROOT,
      stdio: "inherit",
      env: {
        ...process.env,
        NEXT_TELEMETRY_DISABLED: "1",
        FORCE_COLOR: process.env.FORCE_COLOR ?? "0",
        ...step.env?.(),
      },
    });
    child.once("error", (error) => {
      process.stderr.write(`test: cannot run ${step.bin}: ${error.message}\n`);
      resolve(1);
    });
    child.once("exit", (code) => resolve(code ?? 1));
  });
}

/** The steps selected by --only / --from (all of them by default). */
function selectedSteps(): readonly Step[] {
  const { values } = parseArgs({ options: { only: { type: "string" }, from: { type: "string" } } });
  const names = STEPS.map((step) => step.name);
  const check = (name: string): void => {
    if (!names.includes(name)) throw new Error(`unknown step "${name}" (steps: ${names.join(", ")})`);
  };
  if (values.only !== undefined) {
    const only = values.only.split(",").map((name) => name.trim());
    only.forEach(check);
    return STEPS.filter((step) => only.includes(step.name));
  }
  if (values.from !== undefined) {
    check(values.from);
    return STEPS.slice(names.indexOf(values.from));
  }
  return STEPS;
}

async function main(): Promise<number> {
  const steps = selectedSteps();
  if (ensurePrerequisites() !== 0) return 1;
  const results: Array<{ name: string; status: "passed" | "failed" | "skipped"; seconds: number }> = [];
  let failed = false;
  for (const step of steps) {
    if (failed) {
      results.push({ name: step.name, status: "skipped", seconds: 0 });
      continue;
    }
    process.stdout.write(`\n=== ${step.name}: ${step.bin} ${step.args.join(" ")}\n`);
    const started = Date.now();
    const code = await run(step);
    const seconds = (Date.now() - started) / 1000;
    failed = code !== 0;
    results.push({ name: step.name, status: failed ? "failed" : "passed", seconds });
  }
  const count = (status: string): number => results.filter((result) => result.status === status).length;
  process.stdout.write("\n=== summary\n");
  for (const result of results) {
    const time = result.status === "skipped" ? "" : ` (${result.seconds.toFixed(1)} s)`;
    process.stdout.write(`  ${result.status.padEnd(7)} ${result.name}${time}\n`);
  }
  const skipped = count("skipped");
  process.stdout.write(
    `steps: ${count("passed")} passed, ${count("failed")} failed${skipped > 0 ? `, ${skipped} skipped` : ""}\n`,
  );
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`test: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
