/**
 * The route policy middleware applies is the one the route groups declare: every page of app/(account) needs a
 * session, and no other page does.
 */
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ACCOUNT_PATHS, AUTH_PAGE_PATHS } from "@/lib/auth/session-routes";

const root = join(__dirname, "..", "..", "app");

function pagesOf(group: string): string[] {
  return readdirSync(join(root, group))
    .filter((name) => statSync(join(root, group, name)).isDirectory())
    .map((name) => `/${name}`)
    .sort();
}

describe("route policy", () => {
  it("protects exactly the pages of the (account) route group", () => {
    expect([...ACCOUNT_PATHS].sort()).toEqual(pagesOf("(account)"));
  });

  it("lists exactly the pages of the (auth) route group as the pages that always get the nonce CSP", () => {
    expect([...AUTH_PAGE_PATHS].sort()).toEqual(pagesOf("(auth)"));
  });

  it("never protects a page of the (auth) route group", () => {
    for (const page of pagesOf("(auth)")) expect(ACCOUNT_PATHS).not.toContain(page);
  });
});
