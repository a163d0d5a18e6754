/**
 * The Edge middleware never reaches the Node-only transport (lib/node, undici): every file middleware.ts
 * imports, followed through the repo, stays on fetch. docs/proxy.example.ts (Node) is the one that wires it.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(__dirname, "..", "..");

function importsOf(file: string): string[] {
  const source = readFileSync(file, "utf8");
  return [...source.matchAll(/(?:^|\n)\s*(?:import|export)[^;]*?from\s+"([^"]+)"/g)].map((m) => m[1] ?? "");
}

/** A repo file for `@/x` or `./x` (with .ts/.tsx), or null for a package. */
function resolveLocal(from: string, specifier: string): string | null {
  let base: string;
  if (specifier.startsWith("@/")) base = join(root, specifier.slice(2));
  else if (specifier.startsWith(".")) base = join(dirname(from), specifier);
  else return null;
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, join(base, "index.ts")]) {
    if (/\.tsx?$/.test(candidate) && existsSync(candidate)) return candidate;
  }
  return null;
}

/** Every repo file and every package `entry` reaches, transitively. */
function reach(entry: string): { files: string[]; packages: string[] } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string): void => {
    if (files.has(file)) return;
    files.add(file);
    for (const specifier of importsOf(file)) {
      const local = resolveLocal(file, specifier);
      if (local === null) packages.add(specifier);
      else visit(local);
    }
  };
  visit(entry);
  return { files: [...files].map((file) => relative(root, file)), packages: [...packages] };
}

describe("Edge middleware imports", () => {
  it("never reach lib/node or undici", () => {
    const edge = reach(join(root, "middleware.ts"));
    expect(edge.files, "the scanner follows the kit").toContain("lib/session/next.ts");
    expect(edge.files.filter((file) => file.startsWith("lib/node/"))).toEqual([]);
    expect(edge.packages).not.toContain("undici");
  });

  it("while the Node proxy example does", () => {
    const node = reach(join(root, "docs", "proxy.example.ts"));
    expect(node.files).toContain("lib/node/upstash-pool.ts");
    expect(node.packages).toContain("undici");
  });
});
