// Whether Postgres is reachable, as the web process last found it: a probe
// over a connection of its own every few seconds (more often while it is
// down), and at once when a request fails for want of the database. While it
// is down, server.ts answers console pages and Next's routes with 503 and
// Retry-After itself: Next can only turn a page whose data fails into a 500.
import "server-only";
import { probeDatabase } from "@/lib/db";
import { isDatabaseUnavailable, onDatabaseUnavailable } from "@/lib/database-unavailable";

type Watch = { down: boolean; since: number; probing: boolean; timer: NodeJS.Timeout | null; stopped: boolean; timeouts: number };

/** A probe that times out may only have waited on a busy event loop: it takes this many in a row to call the database down. */
const TIMEOUTS_FOR_DOWN = 2;

const PROBE_TIMEOUT_MS = 3_000;

const globalForWatch = globalThis as unknown as { rampartDbWatch?: Watch };

/** True while the last probe found Postgres unreachable (false when nothing watches). */
export function databaseKnownDown(): boolean {
  return globalForWatch.rampartDbWatch?.down ?? false;
}

/**
 * Starts watching (once per process): a probe every `everyMs`, every
 * `whileDownMs` while down. Returns a stop function.
 */
export function watchDatabase({ everyMs = 2_000, whileDownMs = 500, log = console.warn } = {}): () => void {
  const existing = globalForWatch.rampartDbWatch;
  if (existing && !existing.stopped) return () => stop(existing);
  const watch: Watch = { down: false, since: Date.now(), probing: false, timer: null, stopped: false, timeouts: 0 };
  globalForWatch.rampartDbWatch = watch;

  const schedule = (ms: number) => {
    if (watch.stopped) return;
    if (watch.timer) clearTimeout(watch.timer);
    watch.timer = setTimeout(() => void probe(), ms);
    watch.timer.unref();
  };
  const probe = async () => {
    if (watch.probing || watch.stopped) return;
    watch.probing = true;
    try {
      await probeDatabase(PROBE_TIMEOUT_MS);
      watch.timeouts = 0;
      if (watch.down) {
        log(`[db] Postgres is reachable again after ${((Date.now() - watch.since) / 1000).toFixed(1)} s`);
        watch.since = Date.now();
        watch.down = false;
      }
    } catch (err) {
      const message = (err as Error).message;
      const timedOut = /timeout|timed out/i.test(message);
      watch.timeouts = timedOut ? watch.timeouts + 1 : 0;
      // Anything else (a bad setting, a missing table) is not an outage to wait out.
      const outage = timedOut ? watch.timeouts >= TIMEOUTS_FOR_DOWN : isDatabaseUnavailable(err);
      if (outage && !watch.down) {
        log(`[db] Postgres is unreachable (${message}); answering 503 until it is back`);
        watch.since = Date.now();
        watch.down = true;
      }
    } finally {
      watch.probing = false;
      schedule(watch.down ? whileDownMs : everyMs);
    }
  };
  onDatabaseUnavailable(() => {
    if (!watch.down) void probe();
  });
  void probe();
  return () => stop(watch);
}

function stop(watch: Watch) {
  watch.stopped = true;
  if (watch.timer) clearTimeout(watch.timer);
  onDatabaseUnavailable(undefined);
}
