import type { Metadata } from "next";
import type { ReactNode } from "react";
import { SessionWatch } from "./session-watch";
import { SiteHeader } from "./site-header";
import "./globals.css";

export const metadata: Metadata = {
  title: "Session Kit",
  description: "Redis-backed sessions for Next.js with active-device management.",
};

export default function RootLayout({ children }: { children: ReactNode }): ReactNode {
  return (
    <html lang="en">
      <body>
        <a href="#main" className="skip-link">
          Skip to content
        </a>
        <SiteHeader />
        <div id="main">{children}</div>
        <SessionWatch />
      </body>
    </html>
  );
}
