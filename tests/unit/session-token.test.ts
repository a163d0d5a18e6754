import { describe, expect, it } from "vitest";
import {
  generatePublicId,
  generateSessionToken,
  hashSessionToken,
  isPublicId,
  isSessionToken,
} from "@/lib/session/token";

describe("session tokens", () => {
  it("are 32 URL-safe characters (192 bits) and never repeat", () => {
    const tokens = new Set(Array.from({ length: 2000 }, () => generateSessionToken()));
    expect(tokens.size, "2000 tokens should all be distinct").toBe(2000);
    for (const token of tokens) expect(isSessionToken(token), `bad token ${token}`).toBe(true);
  });

  it("hash to the hex SHA-256 of the token, computed with Web Crypto", async () => {
    // Known vector: SHA-256("abc").
    expect(await hashSessionToken("abc")).toBe(
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    );
    const token = generateSessionToken();
    const hash = await hashSessionToken(token);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hash, "the hash must not contain the token").not.toContain(token);
    expect(await hashSessionToken(token), "hashing must be deterministic").toBe(hash);
  });

  it("public ids are distinct from tokens in length, so one can never be mistaken for the other", () => {
    const id = generatePublicId();
    expect(isPublicId(id)).toBe(true);
    expect(isSessionToken(id)).toBe(false);
    expect(isPublicId(generateSessionToken())).toBe(false);
    expect(isPublicId("../../etc/passwd!!!!!")).toBe(false);
  });
});
