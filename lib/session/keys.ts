/**
 * Every Redis key the kit uses, built in one place.
 *
 * Data model (P = keyPrefix, default "session:"; U = encodeURIComponent(userId)):
 *   P{U}:s:<sha256-hex of token>  string, TTL = min(idle left, absolute left)
 *                                 value: session record (see record.ts), or "!<reason>" marker after revoke/evict
 *   P{U}:idx                      sorted set: member = token hash, score = createdAt (ms); oldest first.
 *                                 Pruned of dead members whenever a script reads or writes it; its TTL follows
 *                                 the longest-lived member, so it expires with the user's last session.
 *   P{U}:log                      list: security activity, newest first, capped (activity.ts; optional)
 *   P{U}:report:<nonce>           string: a used "This wasn't me" link, TTL = the link's remaining life
 *   P{U}:cred                     string: the user's credential version, a counter (absent = "0"), no TTL.
 *                                 Raised on every credential change (password change or reset); a sign-in that
 *                                 read an older version is refused inside the create script (lua/create.ts)
 * `{U}` is a Redis Cluster hash tag: all of one user's keys hash to one slot, so the Lua scripts may touch
 * session keys derived from the index (Upstash and Redis Cluster both require single-slot scripts).
 * encodeURIComponent keeps "{", "}" and ":" out of the tag, so no user id can reach another user's keys.
 * Metrics (see metrics.ts) live under P{#metrics}: "#" is never left unencoded by encodeURIComponent, so no user's
 * tag can equal it. They are in another slot than any user's keys: only separate commands touch them.
 * The "sign out everyone" sweep (sweep.ts) keeps its epoch and progress under P{#sweep}, for the same reason.
 * Seam: change formats here only; the Lua scripts receive the session-key prefix as an argument.
 */

export type UserKeys = {
  /** Sorted-set index of the user's sessions. */
  index: string;
  /** Prefix the scripts append a token hash to (`P{U}:s:`). */
  sessionPrefix: string;
  /** Key of one session by token hash. */
  session: (tokenHash: string) => string;
  /** `P{U}:log`: the security activity list (activity.ts), newest first, capped. */
  log: string;
  /** `P{U}:report:<nonce>`: a redeemed "This wasn't me" link (notify.ts), kept until the link's expiry. */
  report: (nonce: string) => string;
  /** `P{U}:cred`: the credential version (a counter, absent = "0", never expires). */
  credentials: string;
};

export function userKeys(keyPrefix: string, userId: string): UserKeys {
  const base = `${keyPrefix}{${encodeURIComponent(userId)}}`;
  const sessionPrefix = `${base}:s:`;
  return {
    index: `${base}:idx`,
    sessionPrefix,
    session: (tokenHash) => `${sessionPrefix}${tokenHash}`,
    log: `${base}:log`,
    report: (nonce) => `${base}:report:${nonce}`,
    credentials: `${base}:cred`,
  };
}

export type MetricsKeys = {
  /** `P{#metrics}:live` sorted set: member = token hash, score = the session's expiresAt (ms). */
  live: string;
  /** `P{#metrics}:born` hash: token hash → "<createdAt ms>:<encoded user id>". */
  born: string;
  /** `P{#metrics}:users` sorted set: member = encoded user id, score = that user's live sessions. */
  users: string;
  /** `P{#metrics}:totals` hash of monotonic counters (Prometheus `_total`s). */
  totals: string;
  /** `P{#metrics}:m:<unix minute>` hash: that minute's counters (TTL 25 h). */
  minute: (unixMinute: number) => string;
  /** `P{#metrics}:h:<unix hour>` hash: that hour's counters (TTL 8 days). */
  hour: (unixHour: number) => string;
};

export function metricsKeys(keyPrefix: string): MetricsKeys {
  const base = `${keyPrefix}{#metrics}`;
  return {
    live: `${base}:live`,
    born: `${base}:born`,
    users: `${base}:users`,
    totals: `${base}:totals`,
    minute: (unixMinute) => `${base}:m:${unixMinute}`,
    hour: (unixHour) => `${base}:h:${unixHour}`,
  };
}

export type SweepKeys = {
  /** `P{#sweep}:epoch` string: a counter raised when a "sign out everyone" sweep starts (absent = "0"). */
  epoch: string;
  /** `P{#sweep}:progress` hash: the latest sweep's epoch, cursor, counts and times (sweep.ts). */
  progress: string;
};

export function sweepKeys(keyPrefix: string): SweepKeys {
  const base = `${keyPrefix}{#sweep}`;
  return { epoch: `${base}:epoch`, progress: `${base}:progress` };
}
