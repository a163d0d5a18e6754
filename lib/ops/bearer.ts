/**
 * Bearer-token guard for operator endpoints (/api/metrics, /api/cron/cleanup).
 * No token configured → 404 (the endpoint does not exist); wrong or missing Authorization → 401.
 * Tokens are compared as SHA-256 digests with a constant-time loop, so timing says nothing about the secret.
 */

export type BearerCheck = { ok: true } | { ok: false; response: Response };

async function digest(value: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(value)));
}

export async function sameSecret(a: string, b: string): Promise<boolean> {
  const [x, y] = await Promise.all([digest(a), digest(b)]);
  let diff = 0;
  for (let i = 0; i < x.length; i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return diff === 0;
}

/** Checks `Authorization: Bearer <secret>` against `secret` (the env value; unset or short → 404). */
export async function checkBearer(request: Request, secret: string | undefined): Promise<BearerCheck> {
  const noStore = { "cache-control": "no-store" };
  if (secret === undefined || secret.trim().length < 16) {
    return { ok: false, response: new Response("Not found\n", { status: 404, headers: noStore }) };
  }
  const header = request.headers.get("authorization") ?? "";
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (match === null || !(await sameSecret(match[1] ?? "", secret.trim()))) {
    return {
      ok: false,
      response: new Response("Unauthorized\n", {
        status: 401,
        headers: { ...noStore, "www-authenticate": 'Bearer realm="operations"' },
      }),
    };
  }
  return { ok: true };
}
