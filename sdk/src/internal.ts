// Small runtime helpers shared by the clients. Everything here works with the
// globals Node ≥20 and browsers have in common (fetch, AbortController,
// TextEncoder, setTimeout, crypto.getRandomValues); nothing imports Node.

export type Timer = ReturnType<typeof setTimeout>;

/** Lets Node exit while the timer is pending (a no-op in browsers, where timers are numbers). */
export function unref(timer: Timer): Timer {
  const t = timer as unknown as { unref?: () => void };
  if (typeof t === "object" && t !== null && typeof t.unref === "function") t.unref();
  return timer;
}

/** setTimeout that never keeps a Node process alive unless `keepAlive` is set. */
export function later(ms: number, fn: () => void, keepAlive = false): Timer {
  const timer = setTimeout(fn, Math.max(0, ms));
  return keepAlive ? timer : unref(timer);
}

export function sleep(ms: number, keepAlive = false): Promise<void> {
  return new Promise((resolve) => later(ms, resolve, keepAlive));
}

/**
 * Exponential backoff with "equal jitter": half the capped exponential delay,
 * plus a random share of the other half, so retries spread out but never
 * collapse to zero.
 */
export function backoffDelay(
  attempt: number,
  baseMs: number,
  maxMs: number,
  random: () => number = Math.random,
): number {
  const exp = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt));
  return Math.round(exp / 2 + random() * (exp / 2));
}

/** Retry-After as delta-seconds or an HTTP date, in milliseconds; null when absent or unreadable. */
export function parseRetryAfter(header: string | null, now: number = Date.now()): number | null {
  if (header === null) return null;
  const trimmed = header.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

/** A v4 UUID: crypto.randomUUID where available (secure contexts), else built from getRandomValues. */
export function uuid(): string {
  const c = (globalThis as { crypto?: Crypto }).crypto;
  if (c && typeof c.randomUUID === "function") return c.randomUUID();
  const bytes = new Uint8Array(16);
  if (c && typeof c.getRandomValues === "function") c.getRandomValues(bytes);
  else for (let i = 0; i < 16; i++) bytes[i] = Math.floor(Math.random() * 256);
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const encoder = new TextEncoder();

export function utf8Length(s: string): number {
  return encoder.encode(s).byteLength;
}

/** Joins a base URL and an absolute path without doubling or dropping slashes. */
export function joinUrl(baseUrl: string, path: string): string {
  return baseUrl.replace(/\/+$/, "") + path;
}

export function monotonicNow(): number {
  const perf = (globalThis as { performance?: { now(): number } }).performance;
  return perf ? perf.now() : Date.now();
}

/** Calls a host-supplied callback without ever letting it throw into the SDK. */
export function safeCall<A extends unknown[]>(fn: ((...args: A) => void) | undefined, ...args: A): void {
  if (!fn) return;
  try {
    fn(...args);
  } catch {
    // A host callback's failure is the host's; it must not break delivery.
  }
}

export function errorMessage(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  // fetch failures carry the useful part (ECONNREFUSED, a TLS error…) in `cause`.
  const cause = (err as { cause?: unknown }).cause;
  return cause instanceof Error && cause.message && cause.message !== err.message
    ? `${err.message} (${cause.message})`
    : err.message;
}

export type HttpResult = { status: number; headers: Headers; body: string };

/** One request with a deadline that covers the body too; rejects on network errors and timeouts. */
export async function httpRequest(
  fetchImpl: typeof fetch,
  url: string,
  init: RequestInit,
  timeoutMs: number,
): Promise<HttpResult> {
  const controller = new AbortController();
  const timer = later(timeoutMs, () => controller.abort(new Error(`Request timed out after ${timeoutMs} ms`)));
  try {
    const res = await fetchImpl(url, { ...init, signal: controller.signal });
    const body = await res.text();
    return { status: res.status, headers: res.headers, body };
  } finally {
    clearTimeout(timer);
  }
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
