import Link from "next/link";
import type { ReactNode } from "react";

export default function NotFound(): ReactNode {
  return (
    <main>
      <h1>Page not found</h1>
      <p>
        Go to the <Link href="/">home page</Link>.
      </p>
    </main>
  );
}
