import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";
import prettier from "eslint-config-prettier/flat";
import { defineConfig, globalIgnores } from "eslint/config";

export default defineConfig([
  ...nextVitals,
  ...nextTs,
  prettier,
  globalIgnores([
    ".next/**",
    ".next-*/**",
    "node_modules/**",
    "test-results/**",
    "playwright-report/**",
    ".tmp/**",
    "next-env.d.ts",
    "tests/fixtures/**/node_modules/**",
    "tests/fixtures/**/.next/**",
  ]),
  {
    rules: {
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    // The app reaches the kit through its entry points only, so lib/session's insides can change freely.
    files: [
      "app/**",
      "lib/auth/**",
      "lib/ops/**",
      "lib/web/**",
      "middleware.ts",
      "docs/**",
      "instrumentation.ts",
    ],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["@/lib/session/*", "!@/lib/session/next", "!@/lib/session/ops"],
              message:
                "Import the kit from @/lib/session, @/lib/session/next (Next.js glue) or @/lib/session/ops (operations).",
            },
          ],
        },
      ],
    },
  },
]);
