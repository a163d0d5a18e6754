/** Size of the Edge middleware bundle from the build output: the files middleware-manifest.json lists, gzipped. */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { REPO_ROOT } from "../lib-next";

export type BundleSize = {
  files: string[];
  rawBytes: number;
  gzipBytes: number;
  /** Largest contributors by share of the original source (from the source maps), when maps exist. */
  shares: { name: string; percent: number }[];
};

type SourceMap = { sources?: string[]; sourcesContent?: (string | null)[]; sections?: { map: SourceMap }[] };

/** "next", "zod", "@upstash/redis" for node_modules sources, "lib/session/x.ts" for the app's own files. */
function sourceOwner(source: string): string {
  const decoded = decodeURIComponent(source);
  const fromModules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(decoded);
  if (fromModules !== null) return fromModules[1] ?? decoded;
  const own = /(?:^|\/)((?:lib|app)\/.+|middleware\.ts)$/.exec(decoded);
  return own?.[1] ?? decoded;
}

function addSources(map: SourceMap, into: Map<string, number>): void {
  for (const section of map.sections ?? []) addSources(section.map, into);
  (map.sources ?? []).forEach((source, index) => {
    const length = map.sourcesContent?.[index]?.length ?? 0;
    const owner = sourceOwner(source);
    into.set(owner, (into.get(owner) ?? 0) + length);
  });
}

type MiddlewareManifest = { middleware?: Record<string, { files?: string[] }> };

/** The Edge middleware's size, or null when the build has none (the check runs in a Node `proxy.ts`). */
export function middlewareBundleSize(distDir: string): BundleSize | null {
  const root = join(REPO_ROOT, distDir);
  const manifestPath = join(root, "server", "middleware-manifest.json");
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as MiddlewareManifest;
  const files = [...new Set(Object.values(manifest.middleware ?? {}).flatMap((entry) => entry.files ?? []))];
  if (files.length === 0) return null;
  let rawBytes = 0;
  let gzipBytes = 0;
  const bySource = new Map<string, number>();
  for (const file of files) {
    const path = join(root, file);
    if (!existsSync(path)) throw new Error(`bench: middleware file ${path} is missing`);
    const content = readFileSync(path);
    rawBytes += content.length;
    gzipBytes += gzipSync(content, { level: 9 }).length;
    if (existsSync(`${path}.map`))
      addSources(JSON.parse(readFileSync(`${path}.map`, "utf8")) as SourceMap, bySource);
  }
  const total = [...bySource.values()].reduce((sum, value) => sum + value, 0);
  const shares = [...bySource.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 6)
    .map(([name, length]) => ({ name, percent: (100 * length) / total }));
  return { files, rawBytes, gzipBytes, shares };
}

/**
 * `tsx scripts/bench/bundle.ts [distDir]` prints the size of an existing build's middleware bundle (default
 * `.next-bench`, the bench's build): `NEXT_DIST_DIR=.next-bundle npx next build` first for a fresh one.
 */
if (process.argv[1] !== undefined && /bundle\.ts$/.test(process.argv[1])) {
  const distDir = process.argv[2] ?? ".next-bench";
  const size = middlewareBundleSize(distDir);
  if (size === null) console.log(`${distDir}: no Edge middleware in this build`);
  else {
    const shares = size.shares.map((share) => `${share.name} ${share.percent.toFixed(1)}%`).join(", ");
    console.log(
      `${distDir}: middleware ${(size.gzipBytes / 1024).toFixed(1)} KiB gzipped ` +
        `(${(size.rawBytes / 1024).toFixed(1)} KiB raw, ${size.files.length} files); largest: ${shares}`,
    );
  }
}
