import Link from "next/link";
import type { ReactNode } from "react";
import { requireSession } from "@/lib/auth/dal";
import { getUserById } from "@/lib/auth/users";
import { ServiceUnavailable } from "../../service-unavailable";
import { ChangePasswordForm } from "./components";

export default async function AccountPage(): Promise<ReactNode> {
  const check = await requireSession("/account");
  if (!check.ok) return <ServiceUnavailable />;
  const found = await getUserById(check.session.userId);
  if (!found.ok) return <ServiceUnavailable />;

  return (
    <main className="narrow">
      <h1>Account</h1>
      {found.user !== null ? (
        <p>
          Signed in as <strong>{found.user.email}</strong>.
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
    </main>
  );
}
