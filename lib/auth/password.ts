/**
 * Password hashing with scrypt from node:crypto (Node runtime only).
 * Encoded as `scrypt$<log2 N>$<r>$<p>$<salt base64url>$<key base64url>` so parameters can be raised later
 * and old hashes still verify.
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from "node:crypto";

const LOG2_N = 17;
const BLOCK_SIZE = 8;
const PARALLELISM = 1;
const KEY_BYTES = 64;
const SALT_BYTES = 16;
// scrypt needs 128 * N * r bytes (128 MiB at N=2^17, r=8); Node's default maxmem is 32 MiB.
const MAX_MEMORY_BYTES = 256 * 1024 * 1024;

function deriveKey(
  password: string,
  salt: Buffer,
  keyBytes: number,
  options: ScryptOptions,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize("NFKC"), salt, keyBytes, options, (error, key) => {
      if (error !== null) {
        reject(error);
        return;
      }
      resolve(key);
    });
  });
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await deriveKey(password, salt, KEY_BYTES, {
    N: 2 ** LOG2_N,
    r: BLOCK_SIZE,
    p: PARALLELISM,
    maxmem: MAX_MEMORY_BYTES,
  });
  return [
    "scrypt",
    LOG2_N,
    BLOCK_SIZE,
    PARALLELISM,
    salt.toString("base64url"),
    key.toString("base64url"),
  ].join("$");
}

type ParsedHash = { log2N: number; r: number; p: number; salt: Buffer; key: Buffer };

function parseHash(encoded: string): ParsedHash | undefined {
  const parts = encoded.split("$");
  if (parts.length !== 6 || parts[0] !== "scrypt") return undefined;
  const [, log2NText, rText, pText, saltText, keyText] = parts;
  const log2N = Number(log2NText);
  const r = Number(rText);
  const p = Number(pText);
  // Bounds stop a corrupted record from asking for gigabytes of memory.
  if (!Number.isInteger(log2N) || log2N < 10 || log2N > 20) return undefined;
  if (!Number.isInteger(r) || r < 1 || r > 32) return undefined;
  if (!Number.isInteger(p) || p < 1 || p > 16) return undefined;
  const salt = Buffer.from(saltText ?? "", "base64url");
  const key = Buffer.from(keyText ?? "", "base64url");
  if (salt.length < SALT_BYTES || key.length !== KEY_BYTES) return undefined;
  return { log2N, r, p, salt, key };
}

/** True when `password` matches `encoded`. A malformed hash is a mismatch, never an exception. */
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  const parsed = parseHash(encoded);
  if (parsed === undefined) return false;
  const candidate = await deriveKey(password, parsed.salt, parsed.key.length, {
    N: 2 ** parsed.log2N,
    r: parsed.r,
    p: parsed.p,
    maxmem: MAX_MEMORY_BYTES,
  });
  return timingSafeEqual(candidate, parsed.key);
}

// A hash of a random password nobody knows, made once with the parameters above: checking it costs exactly
// one derivation, like checking a real user's hash.
const DUMMY_HASH =
  "scrypt$17$8$1$4qaO5WeHSKO4kneH3ZFxdw$T-PYOD0muzTLVAgYXWfUcVQJ52-nqYLLRLBKRpVV7sGaAG16YMsG6ZK5i3OWPf_7o34-zO2eXdglZkYYmDLJ4A";

/**
 * Verifies against a throw-away hash so an unknown email costs the same scrypt work as a wrong password.
 * Always resolves to false.
 */
export async function verifyAgainstDummyHash(password: string): Promise<false> {
  await verifyPassword(password, DUMMY_HASH);
  return false;
}
