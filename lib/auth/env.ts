/**
 * Environment for the starter app's accounts, parsed once with zod.
 * The session kit reads its own variables (see lib/session/config.ts); these are the app's.
 */
import { z } from "zod";

const positiveInt = z.coerce.number().int().positive();

const authEnvSchema = z.object({
  UPSTASH_REDIS_REST_URL: z.url(),
  UPSTASH_REDIS_REST_TOKEN: z.string().min(1),
  /** Prefix of every key this module writes. @default "app:" */
  AUTH_KEY_PREFIX: z.string().min(1).default("app:"),
  /** Sign-in attempts allowed per client IP per minute. @default 30 */
  AUTH_LOGIN_LIMIT_PER_IP_PER_MINUTE: positiveInt.default(30),
  /** Sign-in attempts allowed per account per 15 minutes. @default 10 */
  AUTH_LOGIN_LIMIT_PER_ACCOUNT: positiveInt.default(10),
  /** Account actions (revoke, sign out everywhere) allowed per signed-in session per minute. @default 30 */
  AUTH_SESSION_ACTIONS_PER_MINUTE: positiveInt.default(30),
  /** Sign-ups allowed per client IP per hour (needs a trusted proxy: SESSION_TRUSTED_PLATFORM or SESSION_TRUSTED_IP_HEADER). @default 20 */
  AUTH_SIGNUP_LIMIT_PER_IP_PER_HOUR: positiveInt.default(20),
  /** An account signs in only once its email is verified (the link sent at sign-up). @default true */
  AUTH_REQUIRE_EMAIL_VERIFICATION: z
    .enum(["true", "false", "1", "0"])
    .default("true")
    .transform((value) => value === "true" || value === "1"),
  /**
   * Account mails (sign-up, verification, password reset) sent to one address per 15 minutes, per kind. A stranger
   * who uses it up has sent those mails to the owner: each still holds a link that works (ADR 010). @default 3
   */
  AUTH_MAIL_LIMIT_PER_ADDRESS: positiveInt.default(3),
  /** Password-reset requests allowed per client IP per hour (needs a trusted proxy, like sign-ups). @default 20 */
  AUTH_RESET_LIMIT_PER_IP_PER_HOUR: positiveInt.default(20),
  /** Milliseconds a Redis call may take before it counts as unavailable. @default 2000 */
  AUTH_REDIS_TIMEOUT_MS: positiveInt.default(2000),
});

export type AuthEnv = z.infer<typeof authEnvSchema>;

let cached: AuthEnv | undefined;

export function authEnv(): AuthEnv {
  if (cached !== undefined) return cached;
  const parsed = authEnvSchema.safeParse(process.env);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((issue) => issue.path.join(".")).join(", ");
    throw new Error(
      `auth: invalid environment (${fields}). Set UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN, or run \`npm run dev\` which starts a local stack.`,
    );
  }
  cached = parsed.data;
  return cached;
}
