import type { ReactNode } from "react";
import { ReportForm } from "./components";

// The link only opens this page; the sign-out needs the button (a POST), because mail scanners GET every link.
export default async function NotMePage({
  searchParams,
}: {
  searchParams: Promise<{ token?: string | string[] }>;
}): Promise<ReactNode> {
  const { token } = await searchParams;
  return (
    <main className="narrow">
      <h1>This wasn&apos;t me</h1>
      <p className="lede">
        Someone signed in to your account from a new device. If it wasn&apos;t you, sign that device out now,
        then change your password.
      </p>
      {typeof token === "string" && token !== "" ? (
        <ReportForm token={token} />
      ) : (
        <p role="alert" className="form-error">
          This link is incomplete. Open the one from your notice exactly as it was sent.
        </p>
      )}
    </main>
  );
}
