/**
 * "The same page, four ways": small Next apps generated under .next-bench-variants/ (ignored by git, lint and
 * tsc), each serving the same two dynamic pages with the same markup: `/` (public) and `/account` (prints the
 * signed-in user). They differ only in what runs in front: nothing (a middleware that matches no path, as
 * Turbopack would otherwise pick up the repo's), a pass-through middleware, the kit in Edge middleware.ts (the
 * repo's own file), the kit in a Node proxy.ts (docs/proxy.example.ts, started once over its undici Pool and once
 * over Next's fetch) and the kit on every path (the matcher before ADR 013: a nonce CSP on every page). Imports of `@/lib/...` resolve to the repo's
 * files (tsconfig extends the repo's), and next.config is the repo's, so the headers and limits are the app's.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT, exitCode, spawnNext } from "../lib-next";

export type VariantId =
  "none" | "passthrough" | "edge" | "node" | "everywhere" | "edge-get" | "node-passthrough" | "node-get";

/** A running configuration: a variant's build, and the environment it starts with. */
export type InstanceId = VariantId | "node-pool";

export type Variant = { id: VariantId; label: string; dir: string };

export const VARIANTS_DIR = ".next-bench-variants";

/** The user the bench signs in as; the pages without a kit print the same name. */
export const BENCH_USER = "bench-user-four-ways";

/** Every path that can render a page: the matcher before ADR 013, and the pass-through middleware's. */
const EVERY_PAGE_MATCHER = `export const config = {
  matcher: ["/((?!_next/static/|_next/image|api/health$|api/session$).*)"],
};
`;

export const LABELS: Record<InstanceId, string> = {
  none: "(a) no middleware (a middleware file that matches no path)",
  passthrough: "(b) pass-through middleware",
  edge: "(c) kit, Edge middleware.ts",
  node: "(d₀) kit, Node proxy.ts over Next's fetch",
  everywhere: "(e) kit on every path (nonce CSP everywhere)",
  "node-pool": "(d) kit, Node proxy.ts over an undici Pool (docs/proxy.example.ts)",
  "edge-get": "(f) floor, Edge: pass-through middleware + one bare REST GET (fetch)",
  "node-passthrough": "(b′) pass-through, Node proxy.ts",
  "node-get": "(f′) floor, Node: pass-through proxy.ts + one bare REST GET (the undici Pool of (d))",
};

/** Environment that switches the node variant to the pooled transport (the same build, started twice). */
export const POOL_ENV = { BENCH_NODE_TRANSPORT: "pool" };

const POOL_SWITCH = `if (process.env.BENCH_NODE_TRANSPORT === "pool") setSessionRedis(pooledSessionRedis);`;

/**
 * docs/proxy.example.ts with its Redis transport chosen at start: fetch by default, the undici Pool with
 * POOL_ENV, whichever the example ships with.
 */
function switchableProxy(example: string): string {
  const wired = "setSessionRedis(pooledSessionRedis);";
  if (example.includes(wired)) return example.replace(wired, POOL_SWITCH);
  const imports =
    'import { setSessionRedis } from "@/lib/session/next";\n' +
    'import { pooledSessionRedis } from "@/lib/node/upstash-pool";\n';
  const body = example.indexOf("\nexport ");
  return `${example.slice(0, body)}\n${imports}${POOL_SWITCH}\n${example.slice(body)}`;
}

const LAYOUT = `import type { ReactNode } from "react";

export default function RootLayout({ children }: { children: ReactNode }): ReactNode {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
`;

const PUBLIC_PAGE = `import { connection } from "next/server";

export default async function Page() {
  await connection();
  return (
    <main>
      <h1>Welcome</h1>
      <p>A public page.</p>
    </main>
  );
}
`;

const ACCOUNT_WITHOUT_KIT = `import { connection } from "next/server";

export default async function Page() {
  await connection();
  return (
    <main>
      <h1>Account</h1>
      <p>Signed in as {${JSON.stringify(BENCH_USER)}}</p>
    </main>
  );
}
`;

const ACCOUNT_WITH_KIT = `import { getCurrentSession } from "@/lib/session/next";

export default async function Page() {
  const current = await getCurrentSession();
  if (!current.ok) throw new Error("bench: not signed in (" + current.reason + ")");
  return (
    <main>
      <h1>Account</h1>
      <p>Signed in as {current.session.userId}</p>
    </main>
  );
}
`;

const PASS_THROUGH = `import { NextResponse } from "next/server";

export default function middleware(): NextResponse {
  return NextResponse.next();
}

${EVERY_PAGE_MATCHER}`;

/**
 * The app's next.config.ts (headers, limits), with the plain http-policy file it imports beside it: Next loads a
 * config's imports from inside the project only. Type errors are the repo's typecheck's business, not this build's.
 */
function nextConfig(): string {
  const source = readFileSync(join(REPO_ROOT, "next.config.ts"), "utf8");
  const opening = "const nextConfig: NextConfig = {";
  if (!source.includes(opening)) return source;
  return source.replace(opening, `${opening}\n  typescript: { ignoreBuildErrors: true },`);
}

/**
 * The repo's compiler options with `@/` pointing two levels up (the repo's lib/), not `extends`: with the repo's
 * tsconfig as base, Turbopack resolves the variant's convention files (middleware, instrumentation) in the repo,
 * so the variant without middleware would get the repo's.
 */
function tsconfig(): string {
  const base = JSON.parse(readFileSync(join(REPO_ROOT, "tsconfig.json"), "utf8")) as {
    compilerOptions: Record<string, unknown>;
  };
  const compilerOptions = { ...base.compilerOptions, paths: { "@/*": ["../../*"] } };
  return JSON.stringify({ compilerOptions, include: ["**/*.ts", "**/*.tsx"] }, null, 2);
}

function withEveryPageMatcher(middleware: string): string {
  const at = middleware.indexOf("export const config");
  if (at === -1) throw new Error("bench: middleware.ts has no `export const config`");
  return middleware.slice(0, at) + EVERY_PAGE_MATCHER;
}

/** The front file of a variant: [file name, content], or null for none. */
function frontFile(id: VariantId): [string, string] | null {
  const middleware = readFileSync(join(REPO_ROOT, "middleware.ts"), "utf8");
  // Without a middleware file of its own, Turbopack builds the repo's (it looks up the tree): one that never runs.
  if (id === "none") return ["middleware.ts", NEVER_MATCHING];
  if (id === "passthrough") return ["middleware.ts", PASS_THROUGH];
  if (id === "edge") return ["middleware.ts", middleware];
  if (id === "everywhere") return ["middleware.ts", withEveryPageMatcher(middleware)];
  if (id === "edge-get") return ["middleware.ts", EDGE_GET];
  if (id === "node-passthrough") return ["proxy.ts", NODE_PASS_THROUGH];
  if (id === "node-get") return ["proxy.ts", NODE_GET];
  return ["proxy.ts", switchableProxy(readFileSync(join(REPO_ROOT, "docs", "proxy.example.ts"), "utf8"))];
}

/** Writes the variant's files; keeps its last build unless `clean`. */
function writeVariant(id: VariantId): Variant {
  const dir = join(REPO_ROOT, VARIANTS_DIR, id);
  for (const stale of ["middleware.ts", "proxy.ts"]) rmSync(join(dir, stale), { force: true });
  mkdirSync(join(dir, "app", "account"), { recursive: true });
  mkdirSync(join(dir, "lib", "web"), { recursive: true });
  const kit = id === "edge" || id === "node" || id === "everywhere";
  const files: [string, string][] = [
    ["next.config.ts", nextConfig()],
    [
      join("lib", "web", "http-policy.ts"),
      readFileSync(join(REPO_ROOT, "lib", "web", "http-policy.ts"), "utf8"),
    ],
    ["tsconfig.json", tsconfig()],
    [join("app", "layout.tsx"), LAYOUT],
    [join("app", "page.tsx"), PUBLIC_PAGE],
    [join("app", "account", "page.tsx"), kit ? ACCOUNT_WITH_KIT : ACCOUNT_WITHOUT_KIT],
  ];
  const front = frontFile(id);
  if (front !== null) files.push(front);
  for (const [name, content] of files) writeFileSync(join(dir, name), content);
  return { id, label: LABELS[id], dir };
}

/**
 * The floors: a front file that does nothing but one REST GET of a session-shaped key, the least a check of the
 * store on every request can cost; the kit's rows are read against them (what the kit adds beyond the round trip).
 */
const FLOOR_KEY = "session:{bench-user-four-ways}:s:floor";

const EDGE_GET = `import { NextResponse } from "next/server";

// The kit's own REST request, minus the kit: POST the command as JSON, read the reply.
export default async function middleware(): Promise<NextResponse> {
  const response = await fetch(process.env.UPSTASH_REDIS_REST_URL ?? "", {
    method: "POST",
    headers: {
      authorization: \`Bearer \${process.env.UPSTASH_REDIS_REST_TOKEN ?? ""}\`,
      "content-type": "application/json",
    },
    body: JSON.stringify(["GET", ${JSON.stringify(FLOOR_KEY)}]),
  });
  await response.json();
  return NextResponse.next();
}

${EVERY_PAGE_MATCHER}`;

const NODE_PASS_THROUGH = `import { NextResponse } from "next/server";

export function proxy(): NextResponse {
  return NextResponse.next();
}

${EVERY_PAGE_MATCHER}`;

const NODE_GET = `import { NextResponse } from "next/server";
import { pooledRedis } from "@/lib/node/upstash-pool";

const { redis } = pooledRedis({
  url: process.env.UPSTASH_REDIS_REST_URL ?? "",
  token: process.env.UPSTASH_REDIS_REST_TOKEN ?? "",
  timeoutMs: 2000,
  retries: 0,
});

export async function proxy(): Promise<NextResponse> {
  await redis.get(${JSON.stringify(FLOOR_KEY)});
  return NextResponse.next();
}

${EVERY_PAGE_MATCHER}`;

const NEVER_MATCHING = `import { NextResponse } from "next/server";

export default function middleware(): NextResponse {
  return NextResponse.next();
}

export const config = { matcher: ["/__bench-never-matches"] };
`;

async function build(variant: Variant, env: NodeJS.ProcessEnv): Promise<void> {
  process.stderr.write(`bench: next build ${variant.label}\n`);
  const code = await exitCode(spawnNext(["build", variant.dir], { ...env, NEXT_DIST_DIR: ".next" }));
  if (code !== 0) throw new Error(`bench: next build of ${variant.label} failed with exit code ${code}`);
}

/** Writes and builds every variant, one after the other (BENCH_SKIP_BUILD=1 reuses the last builds). */
export async function buildVariants(ids: readonly VariantId[], env: NodeJS.ProcessEnv): Promise<Variant[]> {
  const variants = ids.map(writeVariant);
  for (const variant of variants) {
    const built = existsSync(join(variant.dir, ".next", "BUILD_ID"));
    if (!(process.env.BENCH_SKIP_BUILD === "1" && built)) await build(variant, env);
  }
  return variants;
}
