/** Size of the Edge middleware bundle from the build output: the files middleware-manifest.json lists, gzipped. */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { REPO_ROOT } from "../lib-next";

export type BundleSize = { files: string[]; rawBytes: number; gzipBytes: number };

type MiddlewareManifest = { middleware?: Record<string, { files?: string[] }> };

export function middlewareBundleSize(distDir: string): BundleSize {
  const root = join(REPO_ROOT, distDir);
  const manifestPath = join(root, "server", "middleware-manifest.json");
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as MiddlewareManifest;
  const files = [...new Set(Object.values(manifest.middleware ?? {}).flatMap((entry) => entry.files ?? []))];
  if (files.length === 0) throw new Error(`bench: no middleware files listed in ${manifestPath}`);
  let rawBytes = 0;
  let gzipBytes = 0;
  for (const file of files) {
    const path = join(root, file);
    if (!existsSync(path)) throw new Error(`bench: middleware file ${path} is missing`);
    const content = readFileSync(path);
    rawBytes += content.length;
    gzipBytes += gzipSync(content, { level: 9 }).length;
  }
  return { files, rawBytes, gzipBytes };
}
