import type { ReactNode } from "react";

export function ServiceUnavailable(): ReactNode {
  return (
    <main>
      <h1>Service temporarily unavailable</h1>
      <p role="status">
        We can&apos;t reach the session store right now. You are still signed in; reload this page in a
        moment.
      </p>
    </main>
  );
}
