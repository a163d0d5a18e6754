import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { describe, expect, it } from "vitest";

const dir = join(process.cwd(), "lib/session");
/** Every .ts file of the kit, as a path relative to lib/session ("kit.ts", "lua/create.ts"). */
const files = readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((name) => name.endsWith(".ts"));
const luaFiles = files.filter((name) => name.startsWith("lua/"));

/** A relative import that stays inside lib/session. */
function isOwnFile(file: string, specifier: string): boolean {
  if (!specifier.startsWith("./") && !specifier.startsWith("../")) return false;
  return !relative(dir, join(dir, dirname(file), specifier)).startsWith("..");
}

function importsOf(file: string): string[] {
  const source = readFileSync(join(dir, file), "utf8");
  return [...source.matchAll(/(?:^|\n)\s*(?:import|export)[^;]*?from\s+"([^"]+)"/g)].map((m) => m[1] ?? "");
}

describe("lib/session can be copied alone into another app", () => {
  it("imports only its own files, iron-session, @upstash/redis, nanoid and zod (its mini flavour)", () => {
    // Full "zod" is refused: every kit file is in the Edge middleware bundle, where zod/mini is a fraction of it.
    const allowed = new Set(["iron-session", "@upstash/redis", "nanoid", "zod/mini", "zod/v4/locales/en.js"]);
    expect(importsOf("kit.ts").length, "the import scanner must see imports").toBeGreaterThan(8);
    for (const file of files.filter((name) => name !== "next.ts")) {
      for (const specifier of importsOf(file)) {
        const ok = isOwnFile(file, specifier) || allowed.has(specifier);
        expect(ok, `${file} imports "${specifier}"`).toBe(true);
      }
    }
  });

  it("keeps next/* and react to next.ts", () => {
    const glue = importsOf("next.ts").filter((s) => !s.startsWith("./"));
    expect(glue.sort()).toEqual(["next/headers", "next/server", "react"]);
  });

  it("opens every file with an explanatory header comment", () => {
    for (const file of files) {
      expect(readFileSync(join(dir, file), "utf8").startsWith("/**\n"), `${file} header`).toBe(true);
    }
  });

  it("reads SESSION_* variables and process.env in config.ts only", () => {
    for (const file of files.filter((name) => name !== "config.ts")) {
      const source = readFileSync(join(dir, file), "utf8").replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, "");
      expect(source, `${file} reads the environment`).not.toMatch(
        /process\.env|env\.SESSION_|env\[\s*"SESSION_/,
      );
    }
  });

  it("never uses the KEYS command or Redis TIME in its scripts", () => {
    expect(luaFiles.length, "the scripts live in lib/session/lua").toBeGreaterThan(10);
    for (const file of luaFiles) {
      const scripts = readFileSync(join(dir, file), "utf8");
      expect(scripts, file).not.toMatch(/redis\.call\(\s*'(KEYS|TIME|SCAN)'/i);
    }
  });
});
