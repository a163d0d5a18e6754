import Link from "next/link";
import type { ReactNode } from "react";
import { getCurrentUser, requireSession } from "@/lib/auth/dal";
import { ServiceUnavailable } from "../../service-unavailable";
import { ChangePasswordForm } from "./components";
import { ChangeEmailForm } from "./email-form";

export default async function AccountPage(): Promise<ReactNode> {
  const check = await requireSession("/account");
  if (!check.ok) return <ServiceUnavailable />;
  const current = await getCurrentUser();
  if (current.status === "unavailable") return <ServiceUnavailable />;

  return (
    <main className="narrow">
      <h1>Account</h1>
      {current.status === "signed_in" ? (
        <p>
          Signed in as <strong>{current.email}</strong>.
        </p>
      ) : null}
      <section aria-labelledby="password-heading">
        <h2 id="password-heading">Change password</h2>
        <p>
          Changing your password signs out every other device. This one stays signed in. See your{" "}
          <Link href="/devices">active devices</Link>.
        </p>
        <ChangePasswordForm />
      </section>
      <section aria-labelledby="email-heading">
        <h2 id="email-heading">Change email</h2>
        <p>We send a link to the new address; your email changes when you use it.</p>
        <ChangeEmailForm />
      </section>
    </main>
  );
}
