/** Markdown for "the same page, four ways" (four-ways.ts) and the Upstash cost (upstash-cost.ts). */
import type { FourWaysResult, FourWaysRow } from "./four-ways";
import { COMPONENTS, type ProfileResult } from "./profile";
import { ms, ratio } from "./stats";
import {
  monthlyPrice,
  MONTHLY_PROTECTED_REQUESTS,
  PRICE_PER_COMMAND,
  REQUESTS_PER_SESSION_HOUR,
  type UpstashCost,
} from "./upstash-cost";

function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]): string => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}

const fixed = (value: number, digits: number): string =>
  Number.isFinite(value) ? value.toFixed(digits) : "n/a";

function rowCells(row: FourWaysRow): string[] {
  const latency = (value: number): string => (row.connections === 1 ? ms(value) : String(value));
  return [
    row.name,
    String(row.connections),
    String(row.requests),
    fixed(row.rps, 1),
    latency(row.p50),
    latency(row.p99),
    String(row.non2xx),
    fixed(row.cpuPerRequest.next, 2),
    fixed(row.perRequest.restRequests, 2),
    fixed(row.perRequest.redisCommands, 2),
  ];
}

export function renderFourWays(result: FourWaysResult): string[] {
  const sorted = [...result.rows].sort(
    (a, b) => a.page.localeCompare(b.page) || b.connections - a.connections,
  );
  return [
    "## The same page, four ways",
    "",
    "One dynamic page (`/account`: a server component that prints the signed-in user) and one public page (`/`), " +
      "same markup in every build (their `<main>` compared: " +
      (result.markupDiffers === null ? "identical" : `**differs**: ${result.markupDiffers}`) +
      `), served by ${result.variants.length - 1} builds of one small app (scripts/bench/variants.ts) on the same REST server ` +
      "((d₀) and (d) are one build, started with either transport): " +
      result.variants.map((variant) => variant.label).join("; ") +
      ". (c) and (d) are the repo's own middleware.ts and docs/proxy.example.ts with the app's next.config.ts; " +
      "(e) is (c) with the matcher before ADR 013 (middleware on every page, so every page gets a nonce CSP); " +
      "(f) and (f′) are the floors: a front file that only sends one REST GET and passes the request on. " +
      "/account is loaded with one session of the bench user per connection (10 sessions, so 10 Redis keys: " +
      "coalescing may batch their GETs, never merge them; 1 connection uses the first). " +
      `${result.rounds} rounds of ${result.roundSeconds} s per row, the order rotating every round; 10 ` +
      "connections with autocannon (whole ms), 1 connection with one request after the other timed in µs. " +
      "**REST/req** = requests the REST server answered per page served; **commands/req** = Redis commands " +
      "(INFO commandstats, those inside scripts included).",
    "",
    table(
      [
        "build: page",
        "connections",
        "requests",
        "req/s",
        "p50 ms",
        "p99 ms",
        "non-2xx/errors",
        "Next CPU ms/req",
        "REST/req",
        "commands/req",
      ],
      sorted.map(rowCells),
    ),
    "",
    table(
      ["target", "measured", "target", "verdict"],
      result.targets.map((target) => [
        target.name,
        target.name.includes("(ms)") ? ms(target.value) : ratio(target.value),
        target.target,
        target.met ? "met" : "**not met**",
      ]),
    ),
    "",
    "Where the floor is, from the same rounds: the front files that do nothing, or nothing but one round trip, " +
      "against the kit's builds.",
    "",
    table(
      ["reading", "measured", "what it says"],
      result.floors.map((floor) => [
        floor.name,
        floor.unit === "ms" ? ms(floor.value) : ratio(floor.value),
        floor.reading,
      ]),
    ),
    "",
    ...renderProfile(result.profile),
  ];
}

function renderProfile(result: ProfileResult): string[] {
  const rows = result.rows;
  const cell = (value: number): string => fixed(value, 2);
  return [
    "### Where a request's CPU goes inside `next start`",
    "",
    "Each build above once more, alone, under V8's sampling profiler (`node --cpu-prof`, a sample every " +
      `${result.intervalUs} µs), /account at 10 connections for ${result.seconds} s after a warm-up (scripts/bench/profile.ts). ` +
      "Main-thread ms per request, by component: frames in built files are attributed through their source " +
      "maps to the module they came from, the others by their path; idle time excluded. The profiler slows " +
      "every build alike: compare columns and shares, not these req/s with the table above. The last row is the " +
      "whole process (every thread: GC helpers, the compiler, libuv's pool) from /proc in the same window.",
    "",
    table(
      ["component", ...rows.map((row) => row.label.split(" ")[0] ?? row.label)],
      [
        ...COMPONENTS.map((component) => [component, ...rows.map((row) => cell(row.components[component]))]),
        ["**main thread, total**", ...rows.map((row) => `**${cell(row.mainThreadMs)}**`)],
        ["req/s under the profiler", ...rows.map((row) => fixed(row.rps, 1))],
        ["whole process, every thread (/proc)", ...rows.map((row) => cell(row.processMs))],
      ],
    ),
    "",
    `Columns: ${rows.map((row) => row.label).join("; ")}.`,
    "",
  ];
}

export function renderUpstashCost(cost: UpstashCost, fourWays: FourWaysResult | null): string[] {
  const sent = monthlyPrice(cost, "sent");
  const inScripts = monthlyPrice(cost, "inScripts");
  const loaded = (fourWays?.rows ?? []).filter(
    (row) =>
      row.page === "account" &&
      row.connections === 10 &&
      (row.variant === "edge" || row.variant === "node-pool"),
  );
  const perHour = (way: "sent" | "all"): string => {
    const touch = way === "sent" ? cost.touch.sent : cost.touch.sent + cost.touch.inScripts;
    return fixed(cost.touchesPerSessionHour * touch, 1);
  };
  const dollars = (value: number): string => `$${value.toFixed(2)}`;
  return [
    "## What it costs on Upstash",
    "",
    "Counted at the Redis server (MONITOR) for the kit with the app's configuration and metrics on, in steady " +
      "state. Upstash bills per command at $0.20 per 100K on pay-as-you-go (a pipeline counts each command it " +
      "carries); the two ways below count a script call as one command (as sent) or add every command the " +
      "script runs inside Redis.",
    "",
    table(
      ["what", "REST requests", "commands sent", "inside scripts", "detail"],
      [
        [
          "a protected request (validation)",
          String(cost.validation.sent),
          String(cost.validation.sent),
          String(cost.validation.inScripts),
          cost.validation.detail,
        ],
        [
          `a due touch (at most once per ${cost.touchIntervalSeconds} s of activity) with its metrics`,
          String(cost.touch.sent),
          String(cost.touch.sent),
          String(cost.touch.inScripts),
          cost.touch.detail,
        ],
        [
          "an active session-hour, touches and metrics (plus 1 per request)",
          perHour("sent"),
          perHour("sent"),
          fixed(cost.touchesPerSessionHour * cost.touch.inScripts, 1),
          `${fixed(cost.touchesPerSessionHour, 0)} touches`,
        ],
        ...loaded.map((row) => [
          `under load: ${row.name}`,
          fixed(row.perRequest.restRequests, 3),
          "",
          "",
          `commands/req ${fixed(row.perRequest.redisCommands, 3)} (INFO commandstats, inside scripts included)`,
        ]),
      ],
    ),
    "",
    `${(MONTHLY_PROTECTED_REQUESTS / 1e6).toFixed(0)} million protected requests a month, at ` +
      `${REQUESTS_PER_SESSION_HOUR} requests per active session-hour (so the touches add ` +
      `${fixed(cost.touchesPerSessionHour / REQUESTS_PER_SESSION_HOUR, 3)} touches per request): ` +
      `counted as sent, ${fixed(sent.commandsPerRequest, 3)} commands per request, ` +
      `${(sent.commandsPerMonth / 1e6).toFixed(2)} M commands, **${dollars(sent.dollars)}** a month; counted ` +
      `with the commands inside scripts, ${fixed(inScripts.commandsPerRequest, 3)} per request, ` +
      `${(inScripts.commandsPerMonth / 1e6).toFixed(2)} M commands, **${dollars(inScripts.dollars)}** a month ` +
      `(at $${(PRICE_PER_COMMAND * 100_000).toFixed(2)} per 100K). The validations alone, ` +
      `${cost.validation.sent} command each, are ` +
      `${dollars(MONTHLY_PROTECTED_REQUESTS * cost.validation.sent * PRICE_PER_COMMAND)}; busier sessions share ` +
      "the touches among more requests.",
    "",
  ];
}
