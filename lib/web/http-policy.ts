/**
 * The app's HTTP policy, one home for next.config.ts and middleware. Imported by next.config.ts, so plain
 * TypeScript with no imports.
 */

/**
 * Largest form post, in bytes (the longest form, sign-in with a `next` path, stays under 4 KiB). next.config
 * gives it to Next as `serverActions.bodySizeLimit`; middleware refuses a bigger body with 413 before Next reads it.
 */
export const SERVER_ACTION_BODY_LIMIT_BYTES = 16 * 1024;
