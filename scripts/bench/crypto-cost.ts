/** Per-operation CPU cost of the iron seal/unseal of the session cookie, and of one scrypt password check. */
import { performance } from "node:perf_hooks";
import { hashPassword, verifyPassword } from "../../lib/auth/password";
import { buildPasswords, sealCookie, unsealCookie, type CookiePayload } from "../../lib/session/cookie";
import { generateSessionToken } from "../../lib/session/token";
import { summarize, type Summary } from "./stats";

export type CostRow = { name: string; summary: Summary };

const IRON_OPS = 2000;
const SCRYPT_ATTEMPTS = 4;

async function timeEach(count: number, run: () => Promise<unknown>): Promise<Summary> {
  const samples: number[] = [];
  for (let i = 0; i < count; i += 1) {
    const started = performance.now();
    await run();
    samples.push(performance.now() - started);
  }
  return summarize(samples);
}

export async function measureCryptoCost(): Promise<CostRow[]> {
  const passwords = await buildPasswords({
    secret: "bench-crypto-secret-0123456789-abcdefghijklmnop",
    previousSecrets: [],
  });
  const payload: CookiePayload = { u: "2b7e1516-28ae-4d2a-a6ab-f7158809cf4f", t: generateSessionToken() };
  const sealed = await sealCookie(payload, passwords, 86400);
  for (let i = 0; i < 200; i += 1) await unsealCookie(sealed, passwords); // warm-up (JIT, key cache)
  const seal = await timeEach(IRON_OPS, () => sealCookie(payload, passwords, 86400));
  const unseal = await timeEach(IRON_OPS, async () => {
    if ((await unsealCookie(sealed, passwords)) === null) throw new Error("bench: unseal failed");
  });
  const hash = await hashPassword("correct horse battery staple");
  const verify = await timeEach(SCRYPT_ATTEMPTS, async () => {
    if (!(await verifyPassword("correct horse battery staple", hash)))
      throw new Error("bench: verify failed");
  });
  return [
    { name: `iron seal (cookie payload, ${sealed.length}-char seal)`, summary: seal },
    { name: "iron unseal (same seal)", summary: unseal },
    { name: "scrypt verify, one sign-in attempt (N=2^17, r=8, p=1)", summary: verify },
  ];
}
