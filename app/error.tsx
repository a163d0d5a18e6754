"use client";

import type { ReactNode } from "react";

export default function ErrorPage({
  reset,
}: {
  error: Error & { digest?: string };
  reset: () => void;
}): ReactNode {
  return (
    <main>
      <h1>Something went wrong</h1>
      <p role="alert">This page could not be shown. Your session is unaffected.</p>
      <button type="button" className="button" onClick={() => reset()}>
        Try again
      </button>
    </main>
  );
}
