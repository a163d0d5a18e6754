/**
 * Property-based fuzzing (fast-check) of the kit itself, against the test stack's Redis (also run on the Redis
 * Cluster by tests/vitest.cluster.config.ts). Bounded runs; a failure prints the seed and the shrunk input.
 * Invariants: no call throws on hostile input; junk, truncated, flipped or re-sealed cookies never validate;
 * any user id (unicode, braces, colons, 256 characters) round-trips, keeps its keys in one cluster slot, and
 * its sessions are never visible to, or revocable by, another user; hostile device info is bounded; a hand-off
 * header verifies only with its own cookie.
 */
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { createSessionKit, type SessionKit } from "@/lib/session";
import { buildPasswords, sealCookie, unsealCookie, type Passwords } from "@/lib/session/cookie";
import { userKeys } from "@/lib/session/keys";
import { keySlot } from "@/scripts/upstash-rest/engine-cluster";
import { randomPrefix, restCredentials } from "@/tests/support/redis";
import { kitContext } from "@/lib/session/kit";

const SECRET = "fuzz-secret-0123456789-abcdefghijklmnopqrs";
const RUNS = Number(process.env.FUZZ_RUNS ?? 100);
const SIGNED_OUT = ["missing", "malformed", "expired", "revoked", "evicted", "password_changed"];

/** User ids the kit accepts (1-256 characters), biased towards the characters that matter in Redis keys. */
const userIdArb = fc.oneof(
  fc.string({ minLength: 1, maxLength: 40 }),
  fc.string({ unit: "grapheme", minLength: 1, maxLength: 20 }),
  fc
    .array(fc.constantFrom("{", "}", ":", "%", "*", "?", "[", "]", "\\", "a", "é", "😀", " ", "s", "idx"), {
      minLength: 1,
      maxLength: 30,
    })
    .map((parts) => parts.join("")),
  fc.integer({ min: 200, max: 256 }).map((n) => "u".repeat(n)),
);

let kit: SessionKit;
let prefix: string;
let passwords: Passwords;
let genuine: { cookie: string; userId: string; token: string };

beforeAll(async () => {
  const { url, token } = restCredentials();
  prefix = randomPrefix("fuzz");
  kit = createSessionKit({
    env: { UPSTASH_REDIS_REST_URL: url, UPSTASH_REDIS_REST_TOKEN: token, SESSION_SECRET: SECRET },
    config: { keyPrefix: prefix, maxSessionsPerUser: 50, redis: { timeoutMs: 5_000, retries: 1 } },
  });
  passwords = await buildPasswords({ secret: SECRET, previousSecrets: [] });
  const created = await kit.createSession({ userId: "fuzz-victim", device: { userAgent: "victim" } });
  if (!created.ok) throw new Error(`setup: createSession failed (${created.reason})`);
  const payload = await unsealCookie(created.cookie.value, passwords);
  if (payload === null) throw new Error("setup: cookie does not unseal");
  genuine = { cookie: created.cookie.value, userId: payload.u, token: payload.t };
});

describe("fuzzing the session kit", () => {
  it("junk, truncated and flipped cookies never validate and never throw", async () => {
    const junk = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.string({ unit: "grapheme", maxLength: 100 }),
      fc.uint8Array({ maxLength: 600 }).map((b) => Buffer.from(b).toString("latin1")),
      fc.integer({ min: 4_000, max: 20_000 }).map((n) => "Fe26.2*".padEnd(n, "x")),
      fc
        .tuple(fc.nat({ max: 500 }), fc.string({ maxLength: 6 }))
        .map(([cut, tail]) => genuine.cookie.slice(0, cut % genuine.cookie.length) + tail),
      fc.tuple(fc.nat(), fc.constantFrom("A", "b", "9", "*", "-", "_")).map(([i, c]) => {
        const at = i % genuine.cookie.length;
        return genuine.cookie.slice(0, at) + c + genuine.cookie.slice(at + 1);
      }),
    );
    await fc.assert(
      fc.asyncProperty(junk, async (value) => {
        fc.pre(value !== genuine.cookie);
        const result = await kit.validateSessionToken(value);
        expect(result.ok, "junk validated").toBe(false);
        if (!result.ok) expect(SIGNED_OUT).toContain(result.reason);
        await expect(kit.touchSession(value)).resolves.toMatchObject({ ok: true });
        await expect(kit.revokeCurrentSession(value)).resolves.toEqual({ ok: true });
      }),
      { numRuns: RUNS },
    );
    expect((await kit.validateSessionToken(genuine.cookie)).ok, "the genuine cookie still works").toBe(true);
  });

  it("re-sealed payloads (as if the secret leaked) never open a session the token does not belong to", async () => {
    const payload = fc.record({
      u: fc.oneof(fc.constant(genuine.userId), userIdArb, fc.constant("")),
      t: fc.oneof(fc.constant(genuine.token), fc.string({ maxLength: 64 }), fc.constant("")),
    });
    await fc.assert(
      fc.asyncProperty(payload, async (forged) => {
        fc.pre(!(forged.u === genuine.userId && forged.t === genuine.token));
        const result = await kit.validateSessionToken(await sealCookie(forged, passwords, 600));
        expect(result.ok, `forged ${JSON.stringify(forged).slice(0, 80)}`).toBe(false);
      }),
      { numRuns: RUNS },
    );
  });

  it("any user id round-trips, keeps one slot, and stays invisible to and unrevocable by another user", async () => {
    await fc.assert(
      fc.asyncProperty(userIdArb, userIdArb, async (alice, bob) => {
        fc.pre(alice !== bob);
        const keys = userKeys(prefix, alice);
        expect(keySlot(keys.index), "index and session keys share a slot").toBe(
          keySlot(keys.session("ab12")),
        );
        const created = await kit.createSession({ userId: alice, device: { userAgent: "a" } });
        expect(created.ok).toBe(true);
        if (!created.ok) return;
        const validated = await kit.validateSessionToken(created.cookie.value);
        expect(validated.ok && validated.session.userId).toBe(alice);
        const bobs = await kit.listUserSessions(bob);
        expect(bobs.ok && bobs.sessions.filter((s) => s.id === created.session.id)).toEqual([]);
        expect(await kit.revokeSession(bob, created.session.id)).toEqual({ ok: true, revoked: false });
        const alices = await kit.listUserSessions(alice);
        expect(alices.ok && alices.sessions.every((s) => s.userId === alice)).toBe(true);
        expect((await kit.validateSessionToken(created.cookie.value)).ok, "still live").toBe(true);
        expect(await kit.revokeSession(alice, created.session.id)).toEqual({ ok: true, revoked: true });
      }),
      { numRuns: RUNS },
    );
  });

  it("hostile device info and session ids are bounded or refused, never thrown", async () => {
    const text = fc.oneof(
      fc.string({ maxLength: 50 }),
      fc.string({ unit: "grapheme", maxLength: 50 }),
      fc.integer({ min: 300, max: 50_000 }).map((n) => "D".repeat(n)),
    );
    const device = fc.record(
      {
        userAgent: text,
        browser: text,
        os: text,
        ip: text,
        location: text,
        deviceType: fc.constantFrom(
          "desktop",
          "mobile",
          "tablet",
          "other",
          "toaster",
        ) as fc.Arbitrary<"desktop">,
      },
      { requiredKeys: ["userAgent"] },
    );
    await fc.assert(
      fc.asyncProperty(device, text, async (info, sessionId) => {
        const created = await kit.createSession({ userId: "fuzz-devices", device: info });
        expect(created.ok).toBe(true);
        if (!created.ok) return;
        for (const value of Object.values(created.session.device)) {
          expect(String(value).length, "device fields are clipped").toBeLessThanOrEqual(512);
        }
        expect((await kit.validateSessionToken(created.cookie.value)).ok).toBe(true);
        const revoked = await kit.revokeSession("fuzz-devices", sessionId);
        expect(revoked.ok && revoked.revoked, "a junk public id revokes nothing").toBe(false);
        await kit.revokeCurrentSession(created.cookie.value);
      }),
      { numRuns: Math.ceil(RUNS / 2) },
    );
  });

  it("a hand-off header verifies only with its own cookie, and junk headers never verify", async () => {
    const validated = await kit.validateSessionToken(genuine.cookie);
    if (!validated.ok) throw new Error("setup: genuine cookie did not validate");
    const header = await kitContext(kit).handoff.sign(validated.session, genuine.cookie);
    expect(await kitContext(kit).handoff.verify(header, genuine.cookie), "control").not.toBeNull();
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.constant(header), fc.string({ maxLength: 400 }), fc.base64String({ maxLength: 400 })),
        fc.oneof(fc.constant(undefined), fc.string({ maxLength: 200 }), fc.constant(`${genuine.cookie}x`)),
        async (candidate, cookie) => {
          expect(await kitContext(kit).handoff.verify(candidate, cookie)).toBeNull();
        },
      ),
      { numRuns: RUNS },
    );
  });
});
