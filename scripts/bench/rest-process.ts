/**
 * The local REST server in a process of its own (rest-counting.ts: it also counts the requests it answers), in
 * front of the bench's redis-server.
 * The latency comparison and the app under load use it, so that neither the client's timings nor autocannon share
 * an event loop with the server's work: a hosted Upstash is never inside the app's or the load generator's process.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { REPO_ROOT, exitCode } from "../lib-next";
import { freePort } from "../stack";

export type RestProcess = {
  url: string;
  token: string;
  pid: number;
  /** HTTP requests the server has answered so far (REST round trips, a /pipeline counting once). */
  requests(): Promise<number>;
  stop(): Promise<void>;
};

export async function startRestProcess(redisUrl: string): Promise<RestProcess> {
  const port = await freePort();
  const statsPort = await freePort();
  const token = randomBytes(24).toString("base64url");
  const child = spawn(
    join(REPO_ROOT, "node_modules", ".bin", "tsx"),
    [
      "scripts/bench/rest-counting.ts",
      "--port",
      String(port),
      "--token",
      token,
      "--redis-url",
      redisUrl,
      "--stats-port",
      String(statsPort),
    ],
    { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "inherit"] },
  );
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null) return;
    child.kill("SIGTERM");
    await exitCode(child);
  };
  try {
    await new Promise<void>((resolve, reject) => {
      let seen = "";
      const timer = setTimeout(
        () => reject(new Error("bench: the REST server process did not start in 30 s")),
        30_000,
      );
      child.stdout?.on("data", (chunk: Buffer) => {
        seen += chunk.toString("utf8");
        if (seen.includes("listening on")) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`bench: the REST server process exited with code ${code}`));
      });
    });
  } catch (error) {
    await stop();
    throw error;
  }
  const requests = async (): Promise<number> => {
    const response = await fetch(`http://127.0.0.1:${statsPort}/`);
    return ((await response.json()) as { requests: number }).requests;
  };
  return { url: `http://127.0.0.1:${port}`, token, pid: child.pid ?? -1, requests, stop };
}
