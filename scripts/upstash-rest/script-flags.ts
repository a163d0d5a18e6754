/**
 * Upstash's script flag `allow-key-locking`, accepted the way Upstash accepts it.
 *
 * On Upstash a script runs under a global lock unless its shebang says `#!lua flags=allow-key-locking` (it then
 * locks only its KEYS); @upstash/ratelimit ships its scripts that way, and so can any app. Open-source Redis 7 knows
 * the shebang but not this flag ("ERR Unexpected flag in script shebang"). This wrapper removes that one flag
 * (other flags such as `no-writes` stay) before a script reaches the engine, and keeps the script's identity as
 * the client computes it: the SHA-1 of the text the client holds. So EVAL runs the stripped text, SCRIPT LOAD
 * answers the original text's SHA-1, and EVALSHA / SCRIPT EXISTS with that SHA-1 are mapped to the stripped one.
 * A SHA-1 this process never saw passes through unchanged (Redis answers NOSCRIPT and the client re-sends EVAL).
 * Not emulated: Upstash's refusal of keys outside KEYS in a flagged script. The embedded dev engine (ioredis-mock)
 * cannot parse a shebang at all, so for it the whole `#!lua` line goes (its flags are then not enforced).
 */
import { createHash } from "node:crypto";
import { bytes, type Value } from "./encode";
import type { Command, Engine, TransactionResult } from "./engine";

const SHEBANG = /^#!lua([^\n]*)(\n|$)/;
const FLAG = "allow-key-locking";

function sha1(text: string): string {
  return createHash("sha1").update(text, "utf8").digest("hex");
}

/** The script without the flag, or the same text when it has none. */
export function stripKeyLockingFlag(source: string): string {
  const shebang = SHEBANG.exec(source);
  if (shebang === null) return source;
  const options = (shebang[1] ?? "").trim();
  const match = /^flags=(\S*)(.*)$/.exec(options);
  if (match === null) return source;
  const flags = (match[1] ?? "").split(",").filter((flag) => flag !== "");
  if (!flags.includes(FLAG)) return source;
  const kept = flags.filter((flag) => flag !== FLAG);
  const rest = (match[2] ?? "").trim();
  const header = ["#!lua", kept.length > 0 ? `flags=${kept.join(",")}` : "", rest].filter((p) => p !== "");
  return `${header.join(" ")}${shebang[2] ?? ""}${source.slice(shebang[0].length)}`;
}

/** The script without its `#!lua` line (for engines that cannot parse one). */
export function dropShebang(source: string): string {
  const shebang = SHEBANG.exec(source);
  return shebang === null ? source : source.slice(shebang[0].length);
}

export function withScriptFlags(engine: Engine, options: { dropShebang?: boolean } = {}): Engine {
  const subscriber = engine.subscriber?.bind(engine);
  const prepare = options.dropShebang === true ? dropShebang : stripKeyLockingFlag;
  /** SHA-1 of a flagged text as the client computes it → SHA-1 of what the engine got. */
  const stripped = new Map<string, string>();

  const remember = (source: string): string => {
    const sent = prepare(source);
    if (sent !== source) stripped.set(sha1(source), sha1(sent));
    return sent;
  };

  const rewrite = (cmd: Command): Command => {
    const [first, ...rest] = cmd.args;
    if (first === undefined) return cmd;
    if (cmd.name === "EVAL" || cmd.name === "EVAL_RO")
      return { name: cmd.name, args: [remember(first), ...rest] };
    if (cmd.name === "EVALSHA" || cmd.name === "EVALSHA_RO") {
      return { name: cmd.name, args: [stripped.get(first.toLowerCase()) ?? first, ...rest] };
    }
    if (cmd.name !== "SCRIPT") return cmd;
    const sub = first.toUpperCase();
    if (sub === "LOAD" && rest[0] !== undefined) return { name: cmd.name, args: [first, remember(rest[0])] };
    if (sub === "EXISTS") {
      return { name: cmd.name, args: [first, ...rest.map((sha) => stripped.get(sha.toLowerCase()) ?? sha)] };
    }
    return cmd;
  };

  /** SCRIPT LOAD answers the SHA-1 of the text the client sent, not of the stripped text. */
  const answer = (cmd: Command, reply: Value): Value => {
    const source = cmd.args[1];
    if (cmd.name !== "SCRIPT" || cmd.args[0]?.toUpperCase() !== "LOAD" || source === undefined) return reply;
    if (reply.t !== "bytes" || prepare(source) === source) return reply;
    return bytes(sha1(source));
  };

  return {
    async command(cmd) {
      return answer(cmd, await engine.command(rewrite(cmd)));
    },
    async pipeline(cmds) {
      const replies = await engine.pipeline(cmds.map(rewrite));
      return replies.map((reply, i) => {
        const cmd = cmds[i];
        return cmd === undefined ? reply : answer(cmd, reply);
      });
    },
    async transaction(cmds): Promise<TransactionResult> {
      const result = await engine.transaction(cmds.map(rewrite));
      if (!result.ok) return result;
      return {
        ok: true,
        replies: result.replies.map((reply, i) => {
          const cmd = cmds[i];
          return cmd === undefined ? reply : answer(cmd, reply);
        }),
      };
    },
    ...(subscriber === undefined ? {} : { subscriber }),
    close: () => engine.close(),
  };
}
