import type { ReactNode } from "react";
import { confirmEmailChangeAction } from "../actions";
import { EmailLinkForm } from "../components";

// The link only opens this page; the change needs the button (a POST), because mail scanners GET every link.
export default async function ConfirmEmailPage({
  searchParams,
}: {
  searchParams: Promise<{ token?: string | string[] }>;
}): Promise<ReactNode> {
  const { token } = await searchParams;
  return (
    <main className="narrow">
      <h1>Confirm your new email</h1>
      <p className="lede">Use this address to sign in from now on.</p>
      {typeof token === "string" && token !== "" ? (
        <EmailLinkForm
          token={token}
          action={confirmEmailChangeAction}
          label="Confirm new email"
          pendingLabel="Confirming…"
        />
      ) : (
        <p role="alert" className="form-error">
          This link is incomplete. Open the one from your email exactly as it was sent.
        </p>
      )}
    </main>
  );
}
