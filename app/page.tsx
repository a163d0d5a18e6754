import Link from "next/link";
import type { ReactNode } from "react";

export default function HomePage(): ReactNode {
  return (
    <main>
      <h1>Session Kit</h1>
      <p>Redis-backed sessions for Next.js, reached over the Upstash REST protocol.</p>
      <p>
        <Link href="/signup">Create an account</Link> or <Link href="/login">sign in</Link>, then manage your
        signed-in devices on the <Link href="/devices">devices page</Link>.
      </p>
    </main>
  );
}
