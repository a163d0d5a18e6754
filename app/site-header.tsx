import Link from "next/link";
import type { ReactNode } from "react";
import { getCurrentUser } from "@/lib/auth/dal";
import { isAdminEmail } from "@/lib/ops/admin";
import { LogoutButton } from "./components";

export async function SiteHeader(): Promise<ReactNode> {
  const current = await getCurrentUser();
  return (
    <header className="site-header">
      <nav aria-label="Main" className="site-nav">
        <Link href="/" className="brand">
          Session Kit
        </Link>
        <ul>
          {current.status === "signed_in" ? (
            <>
              <li>
                <Link href="/devices">Devices</Link>
              </li>
              <li>
                <Link href="/account">Account</Link>
              </li>
              {isAdminEmail(current.email) ? (
                <li>
                  <Link href="/admin">Admin</Link>
                </li>
              ) : null}
              <li className="nav-user" title={current.email}>
                {current.email}
              </li>
              <li>
                <LogoutButton />
              </li>
            </>
          ) : current.status === "signed_out" ? (
            <>
              <li>
                <Link href="/login">Sign in</Link>
              </li>
              <li>
                <Link href="/signup">Create account</Link>
              </li>
            </>
          ) : null}
        </ul>
      </nav>
    </header>
  );
}
