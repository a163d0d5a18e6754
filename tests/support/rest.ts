/**
 * Raw HTTP helpers for protocol-level tests of the local REST server: send exactly the bytes the
 * spec talks about and look at status, headers and body text without any client decoding.
 */
import { restCredentials } from "./redis";

export interface RawReply {
  readonly status: number;
  readonly text: string;
  readonly headers: Headers;
  /** The body parsed as JSON; throws (failing the test) when it is not JSON. */
  json(): unknown;
}

export interface RawOptions {
  readonly base64?: boolean;
  readonly token?: string | null;
  readonly method?: string;
  readonly baseUrl?: string;
  readonly rawBody?: string;
}

export async function rawRequest(path: string, body: unknown, options: RawOptions = {}): Promise<RawReply> {
  const credentials = restCredentials();
  const headers: Record<string, string> = { "content-type": "application/json" };
  const token = options.token === undefined ? credentials.token : options.token;
  if (token !== null) headers.authorization = `Bearer ${token}`;
  if (options.base64 === true) headers["upstash-encoding"] = "base64";
  const method = options.method ?? "POST";
  const init: RequestInit = { method, headers };
  if (method !== "GET" && method !== "HEAD") init.body = options.rawBody ?? JSON.stringify(body);
  const response = await fetch(`${options.baseUrl ?? credentials.url}${path}`, init);
  const text = await response.text();
  return {
    status: response.status,
    text,
    headers: response.headers,
    json: (): unknown => JSON.parse(text) as unknown,
  };
}

export function b64(value: string | Buffer): string {
  return (typeof value === "string" ? Buffer.from(value, "utf8") : value).toString("base64");
}
