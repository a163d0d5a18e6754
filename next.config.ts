import type { NextConfig } from "next";
import {
  SERVER_ACTION_BODY_LIMIT_BYTES,
  staticSecurityHeaders,
  STRICT_TRANSPORT_SECURITY,
} from "./lib/web/http-policy";

const dev = process.env.NODE_ENV === "development";

const nextConfig: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // Test and dev stacks build into their own folder so a running `next dev` and the Playwright build never collide.
  distDir: process.env.NEXT_DIST_DIR ?? ".next",
  experimental: {
    // Middleware refuses bigger posts first (413); this is Next's own limit, kept equal.
    serverActions: { bodySizeLimit: SERVER_ACTION_BODY_LIMIT_BYTES },
  },
  // Every response, middleware or not (middleware replaces the CSP with its nonce policy on pages).
  async headers() {
    return [
      { source: "/(.*)", headers: staticSecurityHeaders(dev) },
      {
        source: "/(.*)",
        // The proxy in front says the browser used https (Next itself serves http).
        has: [{ type: "header", key: "x-forwarded-proto", value: "https(?:\\s*,.*)?" }],
        headers: [STRICT_TRANSPORT_SECURITY],
      },
    ];
  },
};

export default nextConfig;
