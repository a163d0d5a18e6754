import Link from "next/link";
import type { ReactNode } from "react";
import { ResetPasswordForm } from "./components";

export default async function ResetPasswordPage({
  searchParams,
}: {
  searchParams: Promise<{ token?: string | string[] }>;
}): Promise<ReactNode> {
  const { token } = await searchParams;
  return (
    <main className="narrow">
      <h1>Choose a new password</h1>
      <p className="lede">Resetting your password signs out every device signed in to your account.</p>
      {typeof token === "string" && token !== "" ? (
        <ResetPasswordForm token={token} />
      ) : (
        <p role="alert" className="form-error">
          This link is incomplete. Open the one from your email exactly as it was sent, or{" "}
          <Link href="/forgot-password">ask for a new one</Link>.
        </p>
      )}
    </main>
  );
}
