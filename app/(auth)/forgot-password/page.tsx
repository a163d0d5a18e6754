import Link from "next/link";
import type { ReactNode } from "react";
import { ForgotPasswordForm } from "./components";

export default function ForgotPasswordPage(): ReactNode {
  return (
    <main className="narrow">
      <h1>Forgot your password?</h1>
      <p className="lede">
        Enter the email of your account. We will send it a link to choose a new password; using it signs out
        every device signed in to your account.
      </p>
      <ForgotPasswordForm />
      <p>
        Remembered it? <Link href="/login">Sign in</Link>
      </p>
    </main>
  );
}
