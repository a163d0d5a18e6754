import type { ReactNode } from "react";
import { VerifyEmailForm } from "./components";

// The link only opens this page; verifying needs the button (a POST), because mail scanners GET every link.
export default async function VerifyEmailPage({
  searchParams,
}: {
  searchParams: Promise<{ token?: string | string[] }>;
}): Promise<ReactNode> {
  const { token } = await searchParams;
  return (
    <main className="narrow">
      <h1>Verify your email</h1>
      {typeof token === "string" && token !== "" ? (
        <>
          <p className="lede">Confirm that this address is yours to finish creating your account.</p>
          <VerifyEmailForm token={token} />
        </>
      ) : (
        <p role="alert" className="form-error">
          This link is incomplete. Open the one from your email exactly as it was sent.
        </p>
      )}
    </main>
  );
}
