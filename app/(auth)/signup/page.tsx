import Link from "next/link";
import type { ReactNode } from "react";
import { SignUpForm } from "./components";

export default function SignUpPage(): ReactNode {
  return (
    <main className="narrow">
      <h1>Create an account</h1>
      <SignUpForm />
      <p>
        Already have an account? <Link href="/login">Sign in</Link>
      </p>
    </main>
  );
}
