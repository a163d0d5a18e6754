import type { ReactNode } from "react";
import { revertEmailChangeAction } from "../actions";
import { EmailLinkForm } from "../components";

// The link only opens this page; the revert needs the button (a POST), because mail scanners GET every link.
export default async function EmailNotMePage({
  searchParams,
}: {
  searchParams: Promise<{ token?: string | string[] }>;
}): Promise<ReactNode> {
  const { token } = await searchParams;
  return (
    <main className="narrow">
      <h1>This wasn&apos;t me</h1>
      <p className="lede">
        Someone asked to change the email of your account. Keep your address and sign every device out.
      </p>
      {typeof token === "string" && token !== "" ? (
        <EmailLinkForm
          token={token}
          action={revertEmailChangeAction}
          label="Keep my email and sign out everywhere"
          pendingLabel="Signing out everywhere…"
          danger
        />
      ) : (
        <p role="alert" className="form-error">
          This link is incomplete. Open the one from your email exactly as it was sent.
        </p>
      )}
    </main>
  );
}
