import type { Redis } from "@upstash/redis";
import { sealData } from "iron-session";
import { describe, expect, it } from "vitest";
import { createSessionKit, type Session, type ValidationResult } from "@/lib/session";
import {
  buildPasswords,
  pickSessionCookie,
  sealCookie,
  sessionCookieValues,
  unsealCookie,
} from "@/lib/session/cookie";
import { buildCookie } from "@/lib/session/cookie";

const SECRET_A = "a".repeat(16) + "-first-secret-0123456789";
const SECRET_B = "b".repeat(16) + "-second-secret-012345678";
const SECRET_C = "c".repeat(16) + "-third-secret-0123456789";
const TOKEN = "0123456789abcdefghijABCDEFGHIJ_-";

async function seal(secret: string, previous: string[] = []): Promise<string> {
  return sealCookie(
    { u: "user-1", t: TOKEN },
    await buildPasswords({ secret, previousSecrets: previous }),
    3600,
  );
}

async function unseal(value: string, secret: string, previous: string[] = []): Promise<unknown> {
  return unsealCookie(value, await buildPasswords({ secret, previousSecrets: previous }));
}

/** A kit whose Redis client fails the test if called: proves rejection happens before any Redis call. */
function kitWithoutRedis(): { kit: ReturnType<typeof createSessionKit>; calls: () => number } {
  let calls = 0;
  const redis = new Proxy(
    {},
    {
      get: () => () => {
        calls += 1;
        throw new Error("Redis must not be called for this cookie");
      },
    },
  ) as unknown as Redis;
  const kit = createSessionKit({ redis, env: { SESSION_SECRET: SECRET_A }, config: { keyPrefix: "unit:" } });
  return { kit, calls: () => calls };
}

describe("sealed session cookie", () => {
  it("round-trips the user id and token and nothing else", async () => {
    const value = await seal(SECRET_A);
    expect(value.startsWith("Fe26.2*")).toBe(true);
    expect(value, "the token must not appear in clear").not.toContain(TOKEN);
    expect(await unseal(value, SECRET_A)).toEqual({ u: "user-1", t: TOKEN });
  });

  it("rejects a cookie with one character changed", async () => {
    const value = await seal(SECRET_A);
    const index = value.indexOf("*", 10) + 5;
    const flipped = value.slice(0, index) + (value[index] === "A" ? "B" : "A") + value.slice(index + 1);
    expect(await unseal(flipped, SECRET_A)).toBeNull();
  });

  it("rejects a truncated cookie", async () => {
    const value = await seal(SECRET_A);
    expect(await unseal(value.slice(0, -10), SECRET_A)).toBeNull();
    expect(await unseal(value.slice(0, 40), SECRET_A)).toBeNull();
  });

  it("rejects a cookie sealed with a secret the server does not know", async () => {
    expect(await unseal(await seal(SECRET_B), SECRET_A)).toBeNull();
  });

  it("rejects garbage that iron-session itself would throw on instead of returning nothing", async () => {
    // "Invalid expiration" and "Wrong mac prefix" are rethrown by iron-session 8's unsealData.
    expect(await unseal("Fe26.2**a*b*c*not-a-number*e*f~2", SECRET_A)).toBeNull();
    expect(await unseal("Fe26.2*1*a*b*c*d*e*f*g*h", SECRET_A)).toBeNull();
    expect(await unseal("x".repeat(5000), SECRET_A)).toBeNull();
    expect(await unseal("", SECRET_A)).toBeNull();
  });

  it("rejects a correctly sealed payload of the wrong shape", async () => {
    const passwords = await buildPasswords({ secret: SECRET_A, previousSecrets: [] });
    const wrong = await sealData({ u: "user-1", t: "short" }, { password: passwords.seal, ttl: 60 });
    expect(await unseal(wrong, SECRET_A)).toBeNull();
  });

  it("still accepts a cookie sealed with the old secret after rotation, and seals new cookies with the new one", async () => {
    const old = await seal(SECRET_A);
    expect(await unseal(old, SECRET_B, [SECRET_A]), "old cookie after rotation").toEqual({
      u: "user-1",
      t: TOKEN,
    });
    expect(await unseal(old, SECRET_C, [SECRET_B, SECRET_A]), "two rotations later").toEqual({
      u: "user-1",
      t: TOKEN,
    });

    const fresh = await seal(SECRET_B, [SECRET_A]);
    expect(await unseal(fresh, SECRET_B), "new cookie must be sealed with the current secret").not.toBeNull();
    expect(
      await unseal(fresh, SECRET_A),
      "new cookie must not be sealed with the previous secret",
    ).toBeNull();
  });

  it("stops accepting the old secret once it is dropped from SESSION_SECRET_PREVIOUS", async () => {
    expect(await unseal(await seal(SECRET_A), SECRET_B)).toBeNull();
  });

  it("is rejected as malformed before any Redis call when forged, truncated or foreign", async () => {
    const { kit, calls } = kitWithoutRedis();
    const genuine = await seal(SECRET_A);
    for (const value of ["garbage", genuine.slice(0, -3), await seal(SECRET_B), "Fe26.2**a*b*c*x*e*f~2"]) {
      expect(await kit.validateSessionToken(value)).toEqual({ ok: false, reason: "malformed" });
    }
    expect(await kit.validateSessionToken(undefined)).toEqual({ ok: false, reason: "missing" });
    expect(await kit.validateSessionToken("")).toEqual({ ok: false, reason: "missing" });
    expect(calls(), "Redis calls").toBe(0);
  });

  it("carries HttpOnly, SameSite=Lax, Path=/ and, in production, Secure with the __Host- prefix", async () => {
    const { kit } = kitWithoutRedis();
    expect(buildCookie(kit.config, "", 0)).toEqual({
      name: "session",
      value: "",
      options: { httpOnly: true, sameSite: "lax", path: "/", secure: false, maxAge: 0 },
    });
    const production = createSessionKit({
      redis: {} as Redis,
      env: { SESSION_SECRET: SECRET_A, NODE_ENV: "production" },
    });
    expect(buildCookie(production.config, "", 0).name).toBe("__Host-session");
    expect(buildCookie(production.config, "", 0).options.secure).toBe(true);
  });
});

describe("session cookie twins", () => {
  it("reads every value of the name in header order, decoded, without empties or repeats, at most 10", () => {
    const header =
      "sessionx=1; session=a; theme=dark; session=b%2Ac; session=a; session=; session=%zz; session=d; session=e";
    expect(sessionCookieValues(header, "session")).toEqual(["a", "b*c", "d", "e"]);
    const many = Array.from({ length: 12 }, (_, i) => `session=v${i}`).join("; ");
    expect(sessionCookieValues(many, "session")).toHaveLength(10);
    expect(sessionCookieValues(null, "session")).toEqual([]);
    expect(sessionCookieValues("other=1", "session")).toEqual([]);
  });

  it("picks the first live value, prefers a value that unsealed over junk, and stops when the store is down", async () => {
    const outcomes: Record<string, ValidationResult> = {
      junk: { ok: false, reason: "malformed" },
      revoked: { ok: false, reason: "revoked" },
      down: { ok: false, reason: "unavailable" },
    };
    const seen: string[] = [];
    const validate = async (value: string): Promise<ValidationResult> => {
      seen.push(value);
      return outcomes[value] ?? { ok: false, reason: "malformed" };
    };
    expect((await pickSessionCookie(["junk", "revoked"], validate)).value).toBe("revoked");
    expect((await pickSessionCookie(["revoked", "junk"], validate)).value).toBe("revoked");
    expect((await pickSessionCookie(["junk", "junk2"], validate)).value).toBe("junk");
    seen.length = 0;
    const down = await pickSessionCookie(["junk", "down", "revoked"], validate);
    expect(down.result).toEqual({ ok: false, reason: "unavailable" });
    expect(seen, "nothing validated after the store failed").toEqual(["junk", "down"]);
    seen.length = 0;
    outcomes.live = { ok: true, session: {} as Session, touchDue: false };
    const junkFirst = await pickSessionCookie(["j1", "j2", "j3", "j4", "live"], validate);
    expect(junkFirst.value, "junk that does not unseal takes no lookup slot").toBe("live");
    seen.length = 0;
    await pickSessionCookie(["revoked", "revoked2", "revoked3", "revoked4", "live"], async (value) => {
      seen.push(value);
      return value === "live"
        ? { ok: true, session: {} as Session, touchDue: false }
        : { ok: false, reason: "revoked" };
    });
    expect(seen, "at most 3 values that unseal are looked up").toEqual(["revoked", "revoked2", "revoked3"]);
    await expect(pickSessionCookie([], validate)).rejects.toThrow(/^session: pickSessionCookie/);
  });
});
