import type { ReactNode } from "react";
import type { AccountNotice } from "@/lib/session/ops";

export function AccountNotices({ notices }: { notices: AccountNotice[] }): ReactNode {
  if (notices.length === 0) return null;
  return (
    <section aria-labelledby="account-notices-heading">
      <h2 id="account-notices-heading">Account emails</h2>
      <ul className="stack">
        {notices.map((notice) => (
          <li key={`${notice.kind}-${notice.at}-${notice.to}`}>
            <article aria-label={notice.subject}>
              <p>
                To <strong>{notice.to}</strong>: {notice.text}
              </p>
              <p>
                <a href={notice.link.url}>{notice.link.label}</a>
              </p>
            </article>
          </li>
        ))}
      </ul>
    </section>
  );
}
