/**
 * What `npm test` needs from the machine beyond npm packages: a `redis-server` (integration tests and the
 * Playwright stack each start their own on a free port), `redis-cli` (it joins the local Redis Cluster of the
 * vitest-cluster step; Debian's redis-server package pulls it in with redis-tools) and a Chromium for Playwright (Debian's
 * `/usr/bin/chromium`; Playwright's own browser build also works when it is installed).
 * On Debian/Ubuntu as root, missing ones are installed with apt-get (announced); otherwise the exact command
 * to run is printed and the check fails.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { chromium } from "@playwright/test";
import { SYSTEM_CHROMIUM } from "./chromium";

function onPath(command: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${command}`], { stdio: "ignore" }).status === 0;
}

function hasChromium(): boolean {
  if (existsSync(SYSTEM_CHROMIUM)) return true;
  try {
    return existsSync(chromium.executablePath());
  } catch {
    return false;
  }
}

/** Returns 0 when every prerequisite is present (installing what it can), else 1 with instructions. */
export function ensurePrerequisites(): number {
  const missing: string[] = [];
  if (!onPath("redis-server")) missing.push("redis-server");
  if (!onPath("redis-cli")) missing.push("redis-tools");
  if (!hasChromium()) missing.push("chromium");
  if (missing.length === 0) return 0;

  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  if (isRoot && onPath("apt-get")) {
    process.stdout.write(`prerequisites: installing ${missing.join(" ")} with apt-get\n`);
    const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
    const update = spawnSync("apt-get", ["update"], { stdio: "inherit", env });
    const install = spawnSync("apt-get", ["install", "-y", ...missing], { stdio: "inherit", env });
    if (update.status === 0 && install.status === 0) return 0;
  }
  process.stderr.write(
    `prerequisites: missing ${missing.join(" and ")}.\n` +
      `  Debian/Ubuntu: sudo apt-get update && sudo apt-get install -y ${missing.join(" ")}\n` +
      "  macOS: brew install redis (Chromium: npx playwright install chromium)\n",
  );
  return 1;
}
