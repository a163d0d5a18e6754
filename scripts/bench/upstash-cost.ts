/**
 * What the kit costs on Upstash's pay-as-you-go plan: commands per protected request and per active
 * session-hour (validation, the touch and its metrics), counted at the Redis server (MONITOR) in the bench
 * process with the app's configuration and metrics on, under a fake clock so a touch is due. Counted two ways:
 * commands as sent (a script call is one) and with every command run inside scripts added, since the price per
 * command applies to what the bill counts.
 */
import { createSessionKit } from "../../lib/session/index";
import { connectCounter, formatCounts, totalCommands } from "./command-counter";

/** Upstash pay-as-you-go, in dollars per command ($0.20 per 100K). */
export const PRICE_PER_COMMAND = 0.2 / 100_000;
export const MONTHLY_PROTECTED_REQUESTS = 10_000_000;
/** The assumption behind the per-request price of touches: one protected request a minute while active. */
export const REQUESTS_PER_SESSION_HOUR = 60;

export type Counted = { sent: number; inScripts: number; detail: string };

export type UpstashCost = {
  validation: Counted;
  /** One due touch: the touch script and the metrics script it records. */
  touch: Counted;
  touchIntervalSeconds: number;
  touchesPerSessionHour: number;
};

export async function measureUpstashCost(env: NodeJS.ProcessEnv, redisUrl: string): Promise<UpstashCost> {
  let clock = Date.now();
  const kit = createSessionKit({ env, metrics: true, now: () => clock });
  const created = await kit.createSession({ userId: "bench-cost-user", device: { userAgent: "bench" } });
  if (!created.ok) throw new Error(`bench: createSession failed (${created.reason})`);
  const cookie = created.cookie.value;
  const counter = await connectCounter(redisUrl);
  try {
    const count = async (run: () => Promise<void>): Promise<Counted> => {
      const from = counter.mark();
      await run();
      const window = await counter.settle(from);
      return {
        sent: totalCommands(window.sent),
        inScripts: totalCommands(window.inScripts),
        detail: `${formatCounts(window.sent)}; inside scripts: ${formatCounts(window.inScripts)}`,
      };
    };
    // Scripts loaded and caches warm, as in steady state.
    clock += (kit.config.touchIntervalSeconds + 1) * 1000;
    await kit.touchSession(cookie);
    await counter.settle(counter.mark()); // the warm-up's commands, still arriving on MONITOR
    const validation = await count(async () => {
      const result = await kit.validateSessionToken(cookie);
      if (!result.ok || result.touchDue) throw new Error("bench: expected a valid session, touch not due");
    });
    clock += (kit.config.touchIntervalSeconds + 1) * 1000;
    const touch = await count(async () => {
      const result = await kit.touchSession(cookie);
      if (!result.ok || !result.touched) throw new Error("bench: the touch was not due");
    });
    return {
      validation,
      touch,
      touchIntervalSeconds: kit.config.touchIntervalSeconds,
      touchesPerSessionHour: 3600 / kit.config.touchIntervalSeconds,
    };
  } finally {
    await counter.close();
  }
}

export type Price = { commandsPerRequest: number; commandsPerMonth: number; dollars: number };

/** 10M protected requests a month, counted as sent or with the commands inside scripts. */
export function monthlyPrice(cost: UpstashCost, way: "sent" | "inScripts"): Price {
  const of = (counted: Counted): number => (way === "sent" ? counted.sent : counted.sent + counted.inScripts);
  const touchPerRequest = (cost.touchesPerSessionHour * of(cost.touch)) / REQUESTS_PER_SESSION_HOUR;
  const commandsPerRequest = of(cost.validation) + touchPerRequest;
  const commandsPerMonth = commandsPerRequest * MONTHLY_PROTECTED_REQUESTS;
  return { commandsPerRequest, commandsPerMonth, dollars: commandsPerMonth * PRICE_PER_COMMAND };
}
