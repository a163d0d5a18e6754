import type { ReactNode } from "react";

export default function HomePage(): ReactNode {
  return (
    <main>
      <h1>Session Kit</h1>
      <p>Redis-backed sessions for Next.js, reached over the Upstash REST protocol.</p>
    </main>
  );
}
