/**
 * Every Redis key the kit uses, built in one place.
 *
 * Data model (P = keyPrefix, default "session:"; U = encodeURIComponent(userId)):
 *   P{U}:s:<sha256-hex of token>  string, TTL = min(idle left, absolute left)
 *                                 value: session record (see record.ts), or "!<reason>" marker after revoke/evict
 *   P{U}:idx                      sorted set: member = token hash, score = createdAt (ms); oldest first.
 *                                 Pruned of dead members whenever a script reads or writes it; its TTL follows
 *                                 the longest-lived member, so it expires with the user's last session.
 * `{U}` is a Redis Cluster hash tag: all of one user's keys hash to one slot, so the Lua scripts may touch
 * session keys derived from the index (Upstash and Redis Cluster both require single-slot scripts).
 * encodeURIComponent keeps "{", "}" and ":" out of the tag, so no user id can reach another user's keys.
 * Seam: change formats here only; the Lua scripts receive the session-key prefix as an argument.
 */

export type UserKeys = {
  /** Sorted-set index of the user's sessions. */
  index: string;
  /** Prefix the scripts append a token hash to (`P{U}:s:`). */
  sessionPrefix: string;
  /** Key of one session by token hash. */
  session: (tokenHash: string) => string;
};

export function userKeys(keyPrefix: string, userId: string): UserKeys {
  const base = `${keyPrefix}{${encodeURIComponent(userId)}}`;
  const sessionPrefix = `${base}:s:`;
  return {
    index: `${base}:idx`,
    sessionPrefix,
    session: (tokenHash) => `${sessionPrefix}${tokenHash}`,
  };
}
