import Link from "next/link";
import type { ReactNode } from "react";

export default function CheckEmailPage(): ReactNode {
  return (
    <main className="narrow">
      <h1>Check your email</h1>
      <p role="status" className="lede">
        We sent a message to the address you entered. Open the link in it to finish creating your account.
      </p>
      <p>
        Nothing arrived after a few minutes? Check your spam folder, or <Link href="/signup">try again</Link>.
        Already have an account? <Link href="/login">Sign in</Link>.
      </p>
    </main>
  );
}
