/**
 * Shared bits for the scripts that run Next.js: where the `next` CLI lives and how to spawn it
 * (and other local binaries) with inherited output.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");

/** Absolute path of Next's CLI entry point. */
export function nextBin(): string {
  const require = createRequire(import.meta.url);
  return require.resolve("next/dist/bin/next");
}

/** Runs `next <args>` with Node, telemetry off, output inherited. */
export function spawnNext(args: readonly string[], env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(process.execPath, [nextBin(), ...args], {
    cwd: REPO_ROOT,
    stdio: "inherit",
    env: { ...env, NEXT_TELEMETRY_DISABLED: "1" },
  });
}

/** Resolves with the exit code (signals count as failure). */
export function exitCode(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) {
      resolve(child.exitCode);
      return;
    }
    child.once("exit", (code) => resolve(code ?? 1));
  });
}
