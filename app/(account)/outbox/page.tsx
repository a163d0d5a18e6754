import { notFound } from "next/navigation";
import type { ReactNode } from "react";
import { requireSession } from "@/lib/auth/dal";
import { authRedis } from "@/lib/auth/redis";
import { notifierChoice } from "@/lib/ops/notifier-choice";
import { describeNotice, readOutbox } from "@/lib/session/ops";
import { getSessionKit } from "@/lib/session/next";
import { ServiceUnavailable } from "../../service-unavailable";

// Dev outbox: what an email provider would have sent you. Exists only with the outbox notifier (the default
// outside production; in production only with SESSION_NOTIFIER=outbox): its links sign devices out.
export default async function OutboxPage(): Promise<ReactNode> {
  if (notifierChoice() !== "outbox") notFound();
  const check = await requireSession("/outbox");
  if (!check.ok) return <ServiceUnavailable />;
  let notices;
  try {
    notices = await readOutbox(authRedis(), getSessionKit().config.keyPrefix, check.session.userId);
  } catch {
    return <ServiceUnavailable />;
  }
  return (
    <main>
      <h1>Dev outbox</h1>
      <p className="lede">
        Notices that would have been emailed to you. Plug an email provider to send them.
      </p>
      {notices.length === 0 ? (
        <p>No notices.</p>
      ) : (
        <ul className="stack">
          {notices.map((notice) => (
            <li key={`${notice.sessionId}-${notice.at}`}>
              <article aria-label="New sign-in notice">
                <p>{describeNotice(notice).split("\n")[0]}</p>
                <p>
                  <a href={notice.reportUrl}>This wasn&apos;t me</a>
                </p>
              </article>
            </li>
          ))}
        </ul>
      )}
    </main>
  );
}
