/** What the numbers were measured on: CPU, cores, memory, load, and the versions of Node, Next and Redis. */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { REPO_ROOT } from "../lib-next";

export type Machine = {
  date: string;
  cpu: string;
  cores: number;
  memoryGiB: string;
  loadavgStart: string;
  node: string;
  next: string;
  upstashRedis: string;
  redisServer: string;
  /** Commit measured: BENCH_COMMIT, else `git rev-parse --short HEAD` (+ "with local changes" when dirty). */
  commit: string;
};

function measuredCommit(): string {
  if (process.env.BENCH_COMMIT !== undefined && process.env.BENCH_COMMIT !== "")
    return process.env.BENCH_COMMIT;
  try {
    const git = (args: string[]): string =>
      execFileSync("git", args, { cwd: REPO_ROOT, encoding: "utf8" }).trim();
    const commit = git(["rev-parse", "--short", "HEAD"]);
    return git(["status", "--porcelain"]) === "" ? commit : `${commit} with local changes`;
  } catch {
    return "unknown (not a git checkout; set BENCH_COMMIT)";
  }
}

/** Version of an installed package, looked up the way Node resolves it (node_modules of this or a parent dir). */
function packageVersion(name: string): string {
  for (let dir = REPO_ROOT; ; dir = dirname(dir)) {
    const file = join(dir, "node_modules", name, "package.json");
    if (existsSync(file)) return (JSON.parse(readFileSync(file, "utf8")) as { version: string }).version;
    if (dirname(dir) === dir) return "unknown";
  }
}

export function formatLoad(): string {
  return loadavg()
    .map((value) => value.toFixed(2))
    .join(" / ");
}

export function describeMachine(): Machine {
  let redisServer = "unknown";
  try {
    const line = execFileSync("redis-server", ["--version"], { encoding: "utf8" });
    redisServer = /v=([\d.]+)/.exec(line)?.[1] ?? line.trim();
  } catch {
    // redis-server missing: startStack will refuse anyway.
  }
  return {
    date: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
    cpu: cpus()[0]?.model.trim() ?? "unknown",
    cores: cpus().length,
    memoryGiB: (totalmem() / 1024 ** 3).toFixed(1),
    loadavgStart: formatLoad(),
    node: process.version,
    next: packageVersion("next"),
    upstashRedis: packageVersion("@upstash/redis"),
    redisServer,
    commit: measuredCommit(),
  };
}
