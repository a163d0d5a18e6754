import type { NextConfig } from "next";
import { SERVER_ACTION_BODY_LIMIT_BYTES } from "./lib/web/http-policy";

const nextConfig: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // Test and dev stacks build into their own folder so a running `next dev` and the Playwright build never collide.
  distDir: process.env.NEXT_DIST_DIR ?? ".next",
  experimental: {
    // Middleware refuses bigger posts first (413); this is Next's own limit, kept equal.
    serverActions: { bodySizeLimit: SERVER_ACTION_BODY_LIMIT_BYTES },
  },
};

export default nextConfig;
