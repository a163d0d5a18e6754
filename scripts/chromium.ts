/**
 * Which Chromium the tests and benchmarks drive, and how: Debian's `chromium` package when installed (Playwright's
 * own browser download cannot run on machines without internet), with the flags that keep it off the network.
 */
export const SYSTEM_CHROMIUM = "/usr/bin/chromium";

export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];
