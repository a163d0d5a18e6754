import Link from "next/link";
import type { ReactNode } from "react";
import { z } from "zod";
import { safeNextPath } from "@/lib/auth/next-path";
import { ENDED_REASONS, type EndedReason } from "@/lib/session";
import { LoginForm } from "./components";

const REASON_MESSAGES: Record<EndedReason, string> = {
  expired: "Your session expired",
  revoked: "You were signed out from another device",
  evicted: "You signed in on too many devices; this one was signed out",
  password_changed: "Your password was changed; please sign in again",
  password_reset: "Your password was reset; please sign in with the new one",
  admin_revoked: "You were signed out by an administrator",
  account_locked: "This account was disabled by an administrator",
  signed_out_everyone: "Everyone was signed out for security reasons; please sign in again",
};

const searchSchema = z.object({
  reason: z.enum(ENDED_REASONS).optional().catch(undefined),
  next: z.string().optional().catch(undefined),
  registered: z.literal("1").optional().catch(undefined),
  verified: z.literal("1").optional().catch(undefined),
  signed_out: z.enum(["1", "everywhere"]).optional().catch(undefined),
});

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

function noticeFor(params: z.infer<typeof searchSchema>): string | undefined {
  if (params.reason !== undefined) return REASON_MESSAGES[params.reason];
  if (params.registered === "1") return "Your account was created. Sign in to continue.";
  if (params.verified === "1") return "Your email is verified. Sign in to continue.";
  if (params.signed_out === "everywhere") return "You signed out of every device.";
  if (params.signed_out === "1") return "You signed out.";
  return undefined;
}

export default async function LoginPage({
  searchParams,
}: {
  searchParams: SearchParams;
}): Promise<ReactNode> {
  const params = searchSchema.parse(await searchParams);
  const notice = noticeFor(params);
  return (
    <main className="narrow">
      <h1>Sign in</h1>
      {notice !== undefined ? (
        <p role="status" className="notice">
          {notice}
        </p>
      ) : null}
      <LoginForm next={safeNextPath(params.next)} />
      <p>
        <Link href="/forgot-password">Forgot password?</Link>
      </p>
      <p>
        No account yet? <Link href="/signup">Create an account</Link>
      </p>
    </main>
  );
}
