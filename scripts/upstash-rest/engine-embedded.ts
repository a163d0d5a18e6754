/**
 * Embedded engine: ioredis-mock (an in-process Redis imitation) for machines without
 * `redis-server`. Good enough for `npm run dev` and smoke tests, NOT a Redis.
 *
 * Every request runs under one in-process lock, so transactions never interleave.
 *
 * Shimmed here (ioredis-mock 8.13 lacks or breaks them):
 * - SCRIPT LOAD / EXISTS / FLUSH, EVALSHA, EVALSHA_RO: a SHA-1 script cache in this engine.
 *   EVAL and EVAL_RO cache their script too, as Redis does; an unknown sha gives Redis's exact
 *   `NOSCRIPT No matching script. Please use EVAL.`
 * - PFADD / PFCOUNT: emulated with an exact set (count is exact, the key's TYPE is "set").
 * - GETEX: the mock returns "NaN"; emulated with GET + PEXPIRE / PEXPIREAT / PERSIST.
 * - HGETALL: the mock answers with an object; `normalize` flattens it to [field, value, ...].
 * - Option keywords: the mock only knows upper-case ones (`set k v px 10` is ignored), while the
 *   client sends lower-case. SET's options and the ZRANGE/SCAN families' keywords are upper-cased
 *   (a member literally named "withscores" in those positions would be too).
 * Known gaps (checked against ioredis-mock 8.13.1, not fixed):
 * - no WRONGTYPE errors (GET on a hash returns the hash, INCR on text returns nil);
 * - no arity errors (GET with no key returns nil), so transactions are never rejected at queue
 *   time except for unknown or refused commands;
 * - integers are JS numbers: INCRBY past 2^53 loses precision;
 * - Lua has no `redis.status_reply` / `redis.error_reply`; a script returning nil gives nil;
 * - replies are read through the mock's `*Buffer` methods, so bytes are raw where the mock keeps them.
 */
import { createHash, randomUUID } from "node:crypto";
import RedisMock from "ioredis-mock";
import { type Command, type Engine, type TransactionResult } from "./engine";
import { type Value, bytes, err, int, normalize } from "./encode";

type MockMethod = (...args: Array<string | Buffer>) => Promise<unknown>;

const NOSCRIPT = "NOSCRIPT No matching script. Please use EVAL.";

function sha1(source: string): string {
  return createHash("sha1").update(source, "utf8").digest("hex");
}

export class EmbeddedEngine implements Engine {
  private readonly mock: InstanceType<typeof RedisMock>;
  private readonly scripts = new Map<string, string>();
  private lock: Promise<unknown> = Promise.resolve();

  constructor() {
    // ioredis-mock shares data between instances with the same host and port: keep each engine apart.
    this.mock = new RedisMock({ host: `embedded-${randomUUID()}`, port: 6390, lazyConnect: false });
  }

  private exclusive<T>(task: () => Promise<T>): Promise<T> {
    const result = this.lock.then(task, task);
    this.lock = result.catch(() => undefined);
    return result;
  }

  command(cmd: Command): Promise<Value> {
    return this.exclusive(() => this.run(cmd));
  }

  pipeline(cmds: readonly Command[]): Promise<Value[]> {
    return this.exclusive(async () => {
      const replies: Value[] = [];
      for (const cmd of cmds) replies.push(await this.run(cmd));
      return replies;
    });
  }

  transaction(cmds: readonly Command[]): Promise<TransactionResult> {
    return this.exclusive(async (): Promise<TransactionResult> => {
      const unknown = cmds.find((cmd) => !this.knows(cmd.name));
      if (unknown !== undefined) return { ok: false, error: unknownCommand(unknown) };
      const replies: Value[] = [];
      for (const cmd of cmds) replies.push(await this.run(cmd));
      return { ok: true, replies };
    });
  }

  async close(): Promise<void> {
    this.mock.disconnect();
  }

  private method(name: string): MockMethod | null {
    const candidate = (this.mock as unknown as Record<string, unknown>)[`${name.toLowerCase()}Buffer`];
    if (typeof candidate !== "function") return null;
    return (candidate as MockMethod).bind(this.mock);
  }

  private knows(name: string): boolean {
    return SHIMS.has(name) || this.method(name) !== null;
  }

  private async run(cmd: Command): Promise<Value> {
    try {
      const shim = SHIMS.get(cmd.name);
      if (shim !== undefined) return await shim(this, cmd.args);
      return await this.raw(cmd.name, cmd.args);
    } catch (error) {
      return err(mockErrorText(error));
    }
  }

  /** Calls the mock's `<name>Buffer` method; unknown commands give Redis's error text. */
  async raw(name: string, args: readonly string[]): Promise<Value> {
    const method = this.method(name);
    if (method === null) return err(unknownCommand({ name, args }));
    return normalize(await method(...args), false);
  }

  loadScript(source: string): string {
    const sha = sha1(source);
    this.scripts.set(sha, source);
    return sha;
  }

  script(sha: string): string | undefined {
    return this.scripts.get(sha.toLowerCase());
  }

  flushScripts(): void {
    this.scripts.clear();
  }
}

function unknownCommand(cmd: Command): string {
  const shown = cmd.args.map((arg) => `'${arg}'`).join(" ");
  return `ERR unknown command '${cmd.name.toLowerCase()}', with args beginning with: ${shown}`;
}

function mockErrorText(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return /^[A-Z]+ /.test(message) ? message : `ERR ${message}`;
}

type Shim = (engine: EmbeddedEngine, args: readonly string[]) => Promise<Value>;

const evalShim: Shim = async (engine, args) => {
  const [source = "", ...rest] = args;
  engine.loadScript(source);
  return engine.raw("EVAL", [source, ...rest]);
};

const evalshaShim: Shim = async (engine, args) => {
  const [sha = "", ...rest] = args;
  const source = engine.script(sha);
  if (source === undefined) return err(NOSCRIPT);
  return engine.raw("EVAL", [source, ...rest]);
};

const scriptShim: Shim = async (engine, args) => {
  const [sub = "", ...rest] = args;
  switch (sub.toUpperCase()) {
    case "LOAD":
      return bytes(engine.loadScript(rest[0] ?? ""));
    case "EXISTS":
      return { t: "arr", items: rest.map((sha) => int(engine.script(sha) === undefined ? 0 : 1)) };
    case "FLUSH":
      engine.flushScripts();
      return bytes("OK");
    default:
      return err(`ERR unknown subcommand '${sub}'. Try SCRIPT HELP.`);
  }
};

const pfaddShim: Shim = async (engine, args) => {
  const [key = "", ...elements] = args;
  if (elements.length === 0) return int(0);
  const added = await engine.raw("SADD", [key, ...elements]);
  return added.t === "int" && added.digits !== "0" ? int(1) : int(0);
};

const pfcountShim: Shim = async (engine, args) => {
  if (args.length <= 1) return engine.raw("SCARD", args);
  return engine.raw("SUNION", args).then((union) => (union.t === "arr" ? int(union.items.length) : union));
};

const getexShim: Shim = async (engine, args) => {
  const [key = "", option = "", amount = ""] = args;
  const value = await engine.raw("GET", [key]);
  if (value.t === "nil" || option === "") return value;
  const upper = option.toUpperCase();
  if (upper === "PERSIST") await engine.raw("PERSIST", [key]);
  else if (upper === "EX") await engine.raw("PEXPIRE", [key, String(Number(amount) * 1000)]);
  else if (upper === "PX") await engine.raw("PEXPIRE", [key, amount]);
  else if (upper === "EXAT") await engine.raw("PEXPIREAT", [key, String(Number(amount) * 1000)]);
  else if (upper === "PXAT") await engine.raw("PEXPIREAT", [key, amount]);
  else return err("ERR syntax error");
  return value;
};

const KEYWORDS = new Set([
  "NX",
  "XX",
  "GT",
  "LT",
  "GET",
  "KEEPTTL",
  "EX",
  "PX",
  "EXAT",
  "PXAT",
  "WITHSCORES",
  "LIMIT",
  "BYSCORE",
  "BYLEX",
  "REV",
  "MATCH",
  "COUNT",
  "TYPE",
  "CH",
  "INCR",
]);

/** Upper-cases option keywords from argument `from` on, for the mock's case-sensitive parsers. */
function keywordShim(name: string, from: number): Shim {
  return (engine, args) =>
    engine.raw(
      name,
      args.map((arg, index) => (index >= from && KEYWORDS.has(arg.toUpperCase()) ? arg.toUpperCase() : arg)),
    );
}

const SHIMS = new Map<string, Shim>([
  ["SET", keywordShim("SET", 2)],
  ["ZRANGE", keywordShim("ZRANGE", 3)],
  ["ZRANGEBYSCORE", keywordShim("ZRANGEBYSCORE", 3)],
  ["ZREVRANGE", keywordShim("ZREVRANGE", 3)],
  ["ZREVRANGEBYSCORE", keywordShim("ZREVRANGEBYSCORE", 3)],
  ["SCAN", keywordShim("SCAN", 1)],
  ["HSCAN", keywordShim("HSCAN", 2)],
  ["SSCAN", keywordShim("SSCAN", 2)],
  ["ZSCAN", keywordShim("ZSCAN", 2)],
  ["EVAL", evalShim],
  ["EVAL_RO", evalShim],
  ["EVALSHA", evalshaShim],
  ["EVALSHA_RO", evalshaShim],
  ["SCRIPT", scriptShim],
  ["PFADD", pfaddShim],
  ["PFCOUNT", pfcountShim],
  ["GETEX", getexShim],
]);
