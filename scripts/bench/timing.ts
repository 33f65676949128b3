// Shared by the console benchmarks: sequential timing with percentiles, and a
// next-auth credentials sign-in that keeps the session cookie.
import { percentile } from "./http-load";

export type Figure = { count: number; warmup: number; errors: number; firstError?: string; p50Ms: number; p95Ms: number; p99Ms: number; maxMs: number; targetP95Ms: number; pass: boolean };

/** Times `fn` sequentially `count` times after `warmup` untimed calls; fn returns false for a failed call. */
export async function measure(count: number, fn: () => Promise<boolean>, targetP95Ms: number, warmup = 3): Promise<Figure> {
  for (let i = 0; i < warmup; i++) await fn();
  const ms: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  for (let i = 0; i < count; i++) {
    const t = performance.now();
    const ok = await fn().catch((err: Error) => ((firstError ??= err.message), false));
    ms.push(performance.now() - t);
    if (!ok) errors++;
  }
  ms.sort((a, b) => a - b);
  const round = (v: number) => Number(v.toFixed(2));
  const p95 = percentile(ms, 95);
  return {
    count,
    warmup,
    errors,
    ...(firstError ? { firstError } : {}),
    p50Ms: round(percentile(ms, 50)),
    p95Ms: round(p95),
    p99Ms: round(percentile(ms, 99)),
    maxMs: round(ms.at(-1) ?? NaN),
    targetP95Ms,
    pass: errors === 0 && p95 < targetP95Ms,
  };
}

/** A minimal cookie jar: name → value from Set-Cookie headers. */
function keepCookies(jar: Map<string, string>, res: Response) {
  for (const c of res.headers.getSetCookie()) {
    const [pair] = c.split(";");
    const eq = pair!.indexOf("=");
    if (eq > 0) jar.set(pair!.slice(0, eq).trim(), pair!.slice(eq + 1).trim());
  }
}

/**
 * Signs in through next-auth's credentials flow; returns the Cookie header of
 * the session, or why it could not (no app reachable, wrong password, …).
 */
export async function signInCookie(baseUrl: string, email: string, password: string, callbackPath: string): Promise<{ cookie: string } | { skipped: string }> {
  const health = await fetch(`${baseUrl}/api/health`, { signal: AbortSignal.timeout(5_000) }).catch((err: Error) => err);
  if (health instanceof Error) return { skipped: `no app reachable at ${baseUrl} (${health.cause instanceof Error ? health.cause.message : health.message}); start it with npm start or set BENCH_URL` };
  const jar = new Map<string, string>();
  const csrfRes = await fetch(`${baseUrl}/api/auth/csrf`);
  keepCookies(jar, csrfRes);
  const { csrfToken } = (await csrfRes.json()) as { csrfToken: string };
  const cookieHeader = () => [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
  const signIn = await fetch(`${baseUrl}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookieHeader(), origin: baseUrl },
    body: new URLSearchParams({ csrfToken, email, password, callbackUrl: `${baseUrl}${callbackPath}`, json: "true" }),
  });
  keepCookies(jar, signIn);
  if (![...jar.keys()].some((k) => k.includes("session-token"))) {
    const { url } = (await signIn.json().catch(() => ({}))) as { url?: string };
    const error = url ? new URL(url, baseUrl).searchParams.get("error") : null;
    return { skipped: `signing in as ${email} at ${baseUrl} failed (HTTP ${signIn.status}${error ? `: ${error}` : ""}); is the app using this DATABASE_URL?` };
  }
  return { cookie: cookieHeader() };
}
