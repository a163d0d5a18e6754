/**
 * Which new-device notifier the starter app runs (SESSION_NOTIFIER), and the one warning about that choice.
 *   "outbox" — the dev outbox in Redis (shown on /outbox) plus a console line; the default outside production;
 *   "console" — the console line only; "none" — nothing.
 * In production (NODE_ENV=production) the default is "none": the outbox and the console line keep every
 * "This wasn't me" link, a bearer that signs a device out, in plain text (Redis, logs). They run there only when
 * named explicitly, as the e2e stack does (scripts/e2e-server.ts). No import beyond zod: instrumentation.ts
 * loads this at server start.
 */
import { z } from "zod";

export type NotifierChoice = "outbox" | "console" | "none";

const choiceSchema = z.enum(["outbox", "console", "none"]);

type Env = Record<string, string | undefined>;

const PLUG_IN =
  "To send notices by email, implement Notifier (example at the top of lib/session/notify.ts) and return it " +
  "from appNotifier() in lib/ops/notifier.ts.";

/** SESSION_NOTIFIER, or the default for this environment. Throws `ops: ...` for a value it does not know. */
export function notifierChoice(env: Env = process.env): NotifierChoice {
  const named = env.SESSION_NOTIFIER;
  if (named === undefined || named === "") return env.NODE_ENV === "production" ? "none" : "outbox";
  const parsed = choiceSchema.safeParse(named);
  if (!parsed.success) {
    throw new Error(
      `ops: SESSION_NOTIFIER must be one of outbox, console, none (got ${JSON.stringify(named)}). ${PLUG_IN}`,
    );
  }
  return parsed.data;
}

/** What an operator should hear about the notifier in this environment, if anything. */
export function notifierWarning(env: Env = process.env): string | undefined {
  if (env.NODE_ENV !== "production") return undefined;
  const named = env.SESSION_NOTIFIER;
  if (named === undefined || named === "") {
    return (
      "ops: no new-device notifier in production (SESSION_NOTIFIER is not set): sign-ins from new devices " +
      `notify nobody, and no "This wasn't me" link is sent, stored or printed; no verification or ` +
      "password-reset mail is sent either (sign-ups cannot verify: plug a sender, or set " +
      `AUTH_REQUIRE_EMAIL_VERIFICATION=false). ${PLUG_IN} ` +
      "Set SESSION_NOTIFIER=none to keep notices off without this warning."
    );
  }
  const choice = notifierChoice(env);
  if (choice === "outbox") {
    return (
      'ops: SESSION_NOTIFIER=outbox in production stores every "This wasn\'t me" link (it signs a device out) ' +
      `in plain text in Redis and shows it on /outbox: for test stacks only. ${PLUG_IN}`
    );
  }
  if (choice === "console") {
    return (
      'ops: SESSION_NOTIFIER=console in production prints every "This wasn\'t me" link (it signs a device out) ' +
      `to the server log. ${PLUG_IN}`
    );
  }
  return undefined;
}

let checked = false;

/** Warns once per process (at start from instrumentation.ts, else at first use); throws on an unknown value. */
export function warnAboutNotifier(
  env: Env = process.env,
  warn: (message: string) => void = console.warn,
): void {
  if (checked) return;
  const message = notifierWarning(env);
  checked = true;
  if (message !== undefined) warn(message);
}
