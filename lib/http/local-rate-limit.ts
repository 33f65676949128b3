// In-process per-key request limit (one-second windows) for endpoints too hot
// for a Redis round trip per request (flag evaluation). The limit holds per
// web process; Rampart runs one web process per host.

type Window = { second: number; count: number };
const windows = new Map<string, Window>();
let sweepAt = 0;

/** Counts one request; returns 0 when allowed, else the seconds to wait. */
export function takeLocalToken(key: string, limitPerSecond: number, now = Date.now()): number {
  const second = Math.floor(now / 1000);
  if (second !== sweepAt) {
    sweepAt = second;
    if (windows.size > 10_000) for (const [k, w] of windows) if (w.second < second) windows.delete(k);
  }
  let w = windows.get(key);
  if (!w || w.second !== second) windows.set(key, (w = { second, count: 0 }));
  w.count++;
  return w.count > limitPerSecond ? 1 : 0;
}
