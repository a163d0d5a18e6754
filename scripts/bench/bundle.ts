/** Size of the Edge middleware bundle from the build output: the files middleware-manifest.json lists, gzipped. */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { REPO_ROOT } from "../lib-next";
import { mappedRanges } from "./source-map";

export type BundleSize = {
  files: string[];
  rawBytes: number;
  gzipBytes: number;
  /**
   * Gzipped KiB each owner adds, largest first: the bundle's gzipped size minus its size without that owner's
   * mapped code (source maps), so compression across owners is accounted for. Lua scripts count as one owner.
   */
  shares: { name: string; gzipBytes: number }[];
};

/** "next", "zod", "@upstash/redis" for node_modules sources, "lib/session/x.ts" for the app's own files. */
function sourceOwner(source: string): string {
  const decoded = decodeURIComponent(source);
  const fromModules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(decoded);
  if (fromModules !== null) return fromModules[1] ?? decoded;
  if (/(?:^|\/)lib\/session\/lua\//.test(decoded)) return "lib/session/lua/ (the Lua scripts)";
  const own = /(?:^|\/)((?:lib|app)\/.+|middleware\.ts|proxy\.ts)$/.exec(decoded);
  return own?.[1] ?? decoded;
}

const gzipLength = (text: string): number => gzipSync(text, { level: 9 }).length;

/** Gzipped bytes each owner adds to `code` (see BundleSize.shares). */
function ownerShares(path: string, code: string, into: Map<string, number>): void {
  // mappedRanges comes sorted by start and without overlaps, so each owner's list is too.
  const byOwner = new Map<string, { start: number; end: number }[]>();
  for (const range of mappedRanges(path, code)) {
    const owner = sourceOwner(range.source);
    const ranges = byOwner.get(owner);
    if (ranges === undefined) byOwner.set(owner, [range]);
    else ranges.push(range);
  }
  const full = gzipLength(code);
  for (const [owner, ranges] of byOwner) {
    let rest = "";
    let at = 0;
    for (const range of ranges) {
      if (range.start > at) rest += code.slice(at, range.start);
      at = Math.max(at, range.end);
    }
    rest += code.slice(at);
    into.set(owner, (into.get(owner) ?? 0) + full - gzipLength(rest));
  }
}

type MiddlewareManifest = { middleware?: Record<string, { files?: string[] }> };

/** The Edge middleware's size, or null when the build has none (the check runs in a Node `proxy.ts`). */
export function middlewareBundleSize(distDir: string, options: { shares?: boolean } = {}): BundleSize | null {
  const root = join(REPO_ROOT, distDir);
  const manifestPath = join(root, "server", "middleware-manifest.json");
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as MiddlewareManifest;
  const files = [...new Set(Object.values(manifest.middleware ?? {}).flatMap((entry) => entry.files ?? []))];
  if (files.length === 0) return null;
  let rawBytes = 0;
  let gzipBytes = 0;
  const byOwner = new Map<string, number>();
  for (const file of files) {
    const path = join(root, file);
    if (!existsSync(path)) throw new Error(`bench: middleware file ${path} is missing`);
    const content = readFileSync(path);
    rawBytes += content.length;
    gzipBytes += gzipSync(content, { level: 9 }).length;
    if (options.shares !== false) ownerShares(path, content.toString("utf8"), byOwner);
  }
  const shares = [...byOwner.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 12)
    .map(([name, bytes]) => ({ name, gzipBytes: bytes }));
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
    const shares = size.shares
      .map((share) => `${share.name} ${(share.gzipBytes / 1024).toFixed(1)} KiB`)
      .join(", ");
    console.log(
      `${distDir}: middleware ${(size.gzipBytes / 1024).toFixed(1)} KiB gzipped ` +
        `(${(size.rawBytes / 1024).toFixed(1)} KiB raw, ${size.files.length} files); largest: ${shares}`,
    );
  }
}
