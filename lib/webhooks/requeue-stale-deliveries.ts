// The safety net under the webhooks queue: deliveries still unfinished a
// while after their last activity are enqueued again. Re-adding a job id that
// Redis still holds (waiting, in backoff, running) is a no-op, so this only
// revives deliveries whose job was lost with Redis data or never enqueued.
import "server-only";
import { db } from "@/lib/db";
import { enqueueDeliveries } from "@/lib/webhooks/enqueue-deliveries";

const QUIET_MS = 2 * 60_000;
/** Older deliveries are left to the dead-letter list rather than sent long after the fact. */
const MAX_AGE_MS = 24 * 3600_000;
const BATCH = 500;

export async function requeueStaleDeliveries(now = new Date()): Promise<number> {
  const quietSince = new Date(now.getTime() - QUIET_MS);
  const rows = await db().webhookDelivery.findMany({
    where: {
      status: { in: ["PENDING", "FAILED"] },
      createdAt: { gte: new Date(now.getTime() - MAX_AGE_MS), lt: quietSince },
      OR: [{ lastAttemptAt: null }, { lastAttemptAt: { lt: quietSince } }],
    },
    select: { id: true },
    orderBy: { createdAt: "asc" },
    take: BATCH,
  });
  await enqueueDeliveries(rows.map((r) => r.id));
  return rows.length;
}
