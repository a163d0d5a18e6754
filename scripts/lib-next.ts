/**
 * Shared bits for the scripts that run Next.js: where the `next` CLI lives and how to spawn it
 * (and other local binaries) with inherited output.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");

/** Absolute path of Next's CLI entry point. */
export function nextBin(): string {
  const require = createRequire(import.meta.url);
  return require.resolve("next/dist/bin/next");
}

/**
 * Runs `next <args>` with Node, telemetry off, output inherited. With `logFile`, stdout and stderr are also
 * appended to that file (tests read what the server logged). `nodeArgs` go to Node itself (`--cpu-prof`: Node
 * refuses it in NODE_OPTIONS).
 */
export function spawnNext(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  options: { logFile?: string; nodeArgs?: readonly string[] } = {},
): ChildProcess {
  const logFile = options.logFile;
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), nextBin(), ...args], {
    cwd: REPO_ROOT,
    stdio: logFile === undefined ? "inherit" : ["inherit", "pipe", "pipe"],
    env: { ...env, NEXT_TELEMETRY_DISABLED: "1" },
  });
  if (logFile !== undefined) {
    const log = createWriteStream(logFile, { flags: "a" });
    child.stdout?.on("data", (chunk: Buffer) => {
      process.stdout.write(chunk);
      log.write(chunk);
    });
    child.stderr?.on("data", (chunk: Buffer) => {
      process.stderr.write(chunk);
      log.write(chunk);
    });
    child.once("exit", () => log.end());
  }
  return child;
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
