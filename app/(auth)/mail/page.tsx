import { notFound } from "next/navigation";
import type { ReactNode } from "react";
import { z } from "zod";
import { authRedis } from "@/lib/auth/redis";
import { normalizeEmail } from "@/lib/auth/users";
import { notifierChoice } from "@/lib/ops/notifier-choice";
import { readMailOutbox, type AccountMail } from "@/lib/session/ops";
import { getSessionKit } from "@/lib/session/next";
import { ServiceUnavailable } from "../../service-unavailable";

const addressSchema = z.email().max(254);

// Dev mailbox: the account mail (verification, reset) an email provider would have delivered to an address.
// Anyone can read any address here, so it exists only with the outbox notifier (never by default in production).
export default async function MailPage({
  searchParams,
}: {
  searchParams: Promise<{ to?: string | string[] }>;
}): Promise<ReactNode> {
  if (notifierChoice() !== "outbox") notFound();
  const { to } = await searchParams;
  const parsed = addressSchema.safeParse(typeof to === "string" ? to.trim() : "");
  const address = parsed.success ? normalizeEmail(parsed.data) : undefined;
  let mails: AccountMail[] = [];
  if (address !== undefined) {
    try {
      mails = await readMailOutbox(authRedis(), getSessionKit().config.keyPrefix, address);
    } catch {
      return <ServiceUnavailable />;
    }
  }
  return (
    <main>
      <h1>Dev mailbox</h1>
      <p className="lede">
        Account mail that would have been emailed (development and test stacks only). Plug a real sender to
        send it.
      </p>
      <form method="get" className="stack">
        <div className="field">
          <label htmlFor="mail-to">Address</label>
          <input id="mail-to" name="to" type="email" defaultValue={address ?? ""} />
        </div>
        <button type="submit" className="button">
          Show mail
        </button>
      </form>
      {address === undefined ? null : mails.length === 0 ? (
        <p>No mail for {address}.</p>
      ) : (
        <ul className="stack">
          {mails.map((mail, index) => (
            <li key={`${mail.at}-${index}`}>
              <article aria-label={mail.subject}>
                <h2>{mail.subject}</h2>
                <p>
                  To {mail.to}, {new Date(mail.at).toISOString()}
                </p>
                {mail.text.split("\n").map((line, lineIndex) => (
                  <p key={lineIndex}>{line}</p>
                ))}
                {mail.link === undefined ? null : (
                  <p>
                    <a href={mail.link}>Open the link</a>
                  </p>
                )}
              </article>
            </li>
          ))}
        </ul>
      )}
    </main>
  );
}
