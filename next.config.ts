import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // Test and dev stacks build into their own folder so a running `next dev` and the Playwright build never collide.
  distDir: process.env.NEXT_DIST_DIR ?? ".next",
};

export default nextConfig;
