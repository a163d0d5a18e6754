import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  fromBase64Url,
  generatePublicId,
  generateSessionToken,
  hashSessionToken,
  isPublicId,
  isSessionToken,
  toBase64Url,
  toHex,
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

describe("byte encodings (our own tables, checked against Node's Buffer)", () => {
  it("base64url round-trips any bytes and matches Buffer's base64url", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => {
        const encoded = toBase64Url(bytes);
        expect(encoded).toBe(Buffer.from(bytes).toString("base64url"));
        expect(fromBase64Url(encoded)).toEqual(bytes);
      }),
      { numRuns: 500 },
    );
  });

  it("base64url decoding refuses other alphabets, padding and impossible lengths", () => {
    for (const bad of ["a+b/", "YQ==", "YQ=", "a", "abcde", "ab cd", "é", "ab.c"]) {
      expect(fromBase64Url(bad), bad).toBeNull();
    }
    expect(fromBase64Url("")).toEqual(new Uint8Array(0));
  });

  it("hex matches Buffer's hex, and the stored hash is hex SHA-256", async () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        expect(toHex(bytes)).toBe(Buffer.from(bytes).toString("hex"));
      }),
    );
    const token = generateSessionToken();
    expect(await hashSessionToken(token)).toBe(createHash("sha256").update(token).digest("hex"));
  });
});
