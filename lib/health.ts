// Liveness of the parts Rampart depends on, each bounded by a timeout so that
// a hung dependency answers "down" instead of hanging the health check.
import "server-only";
import { db } from "@/lib/db";
import { redis } from "@/lib/redis";
import { WORKER_HEARTBEAT_PREFIX } from "@/lib/queues/contracts";

type Check = { status: "up" | "down"; latencyMs: number; error?: string };

async function timed(fn: () => Promise<unknown>, timeoutMs = 2_000): Promise<Check> {
  const start = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      fn(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return { status: "up", latencyMs: Math.round(performance.now() - start) };
  } catch (err) {
    return { status: "down", latencyMs: Math.round(performance.now() - start), error: (err as Error).message };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Workers alive now (their heartbeat keys). A full SCAN: one page of SCAN
 * only looks at part of the keyspace, and queues fill Redis with job keys;
 * KEYS would block Redis while it walks them all.
 */
export async function liveWorkerCount(): Promise<number> {
  let cursor = "0";
  let count = 0;
  do {
    const [next, keys] = await redis().scan(cursor, "MATCH", `${WORKER_HEARTBEAT_PREFIX}*`, "COUNT", 1000);
    cursor = next;
    count += keys.length;
  } while (cursor !== "0");
  return count;
}

export async function healthReport() {
  const [database, redisCheck] = await Promise.all([
    timed(() => db().$queryRaw`SELECT 1`),
    timed(() => redis().ping()),
  ]);
  let workers: number | null = null;
  if (redisCheck.status === "up") {
    workers = await liveWorkerCount().catch(() => null);
  }
  const ok = database.status === "up" && redisCheck.status === "up";
  return { ok, report: { status: ok ? "ok" : "degraded", database, redis: redisCheck, workers } };
}
