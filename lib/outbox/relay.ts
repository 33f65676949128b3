// Relays committed outbox rows to BullMQ. The job id is the row id, so a row
// relayed twice (crash between enqueue and marking) collapses into one job.
// Ingest hands its rows to the queue itself right after commit
// (enqueue-committed.ts); other writers kick a relay after their commit; the
// worker runs it on a schedule as well, which catches everything committed
// while Redis was down or a process died before its enqueue or kick.
import "server-only";
import { db, pgPool } from "@/lib/db";
import { producerQueue } from "@/lib/queues/producers";
import type { QueueKey } from "@/lib/queues/contracts";

const BATCH = 500;
/** Longest a relay waits on Redis while holding its rows locked. */
const ENQUEUE_TIMEOUT_MS = 3_000;

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: no answer from Redis within ${ms} ms`)), ms);
    }),
  ]);
}
/** A row enqueued this long ago and still unprocessed is enqueued again. */
export const REDELIVER_AFTER_MS = 60_000;

export type RelayOptions = { limit?: number; redeliverAfterMs?: number };

export const outboxJobId = (rowId: bigint | string) => `outbox-${rowId}`;

/** Adds outbox rows to their queue, one job per row under the row's job id; gives up after ENQUEUE_TIMEOUT_MS. */
export function addOutboxJobs(queue: QueueKey, rows: readonly { id: bigint | string; job: string; payload: unknown }[]): Promise<unknown> {
  return withTimeout(
    producerQueue(queue).addBulk(rows.map((r) => ({ name: r.job, data: r.payload as object, opts: { jobId: outboxJobId(r.id) } }))),
    ENQUEUE_TIMEOUT_MS,
    `enqueue to ${queue}`,
  );
}

/**
 * Relays up to `limit` rows that were never enqueued, or were enqueued long
 * enough ago without being processed (their job may have been lost with
 * Redis data; re-adding an existing job id is a no-op). Returns the count.
 */
export async function relayOutbox({ limit = BATCH, redeliverAfterMs = REDELIVER_AFTER_MS }: RelayOptions = {}): Promise<number> {
  const redeliverBefore = new Date(Date.now() - redeliverAfterMs);
  return db().$transaction(
    async (tx) => {
      const rows = await tx.$queryRaw<{ id: bigint; queue: string; job: string; payload: unknown; enqueuedAt: Date | null }[]>`
        SELECT id, queue, job, payload, "enqueuedAt" FROM "OutboxEvent"
        WHERE "processedAt" IS NULL AND ("enqueuedAt" IS NULL OR "enqueuedAt" < ${redeliverBefore})
        ORDER BY id
        LIMIT ${limit}
        FOR UPDATE SKIP LOCKED`;
      if (rows.length === 0) return 0;
      const byQueue = new Map<string, typeof rows>();
      for (const r of rows) byQueue.set(r.queue, [...(byQueue.get(r.queue) ?? []), r]);
      for (const [queue, items] of byQueue) {
        const redelivered = items.filter((r) => r.enqueuedAt !== null);
        if (redelivered.length > 0) await withTimeout(retryFailedJobs(queue as QueueKey, redelivered), ENQUEUE_TIMEOUT_MS, `retry on ${queue}`);
        await addOutboxJobs(queue as QueueKey, items);
      }
      const ids = rows.map((r) => r.id);
      await tx.$executeRaw`UPDATE "OutboxEvent" SET "enqueuedAt" = now(), attempts = attempts + 1 WHERE id = ANY(${ids}::bigint[])`;
      return rows.length;
    },
    { timeout: 15_000 },
  );
}

/**
 * A redelivered row whose job is still in Redis but ran out of attempts
 * (e.g. every try fell within a database outage): adding a job under an
 * existing id does nothing, so without this the row would never be processed.
 * Its job is put back in the queue with fresh attempts instead.
 */
async function retryFailedJobs(queue: QueueKey, rows: { id: bigint }[]): Promise<void> {
  const q = producerQueue(queue);
  for (const r of rows) {
    const job = await q.getJob(outboxJobId(r.id));
    if (job && (await job.isFailed())) await job.retry("failed", { resetAttemptsMade: true, resetAttemptsStarted: true });
  }
}

/** Relays until nothing is due (or an error, e.g. Redis down). */
export async function drainOutbox(opts: RelayOptions = {}): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await relayOutbox(opts);
    total += n;
    if (n < (opts.limit ?? BATCH)) return total;
  }
}

/** Called by a consumer when it has finished with an outbox row's job. */
export async function markOutboxProcessed(rowId: bigint | string): Promise<void> {
  // On the pg pool: once per ingest batch, where Prisma's per-query CPU shows.
  await pgPool().query({
    name: "outbox-processed",
    text: `UPDATE "OutboxEvent" SET "processedAt" = now() WHERE id = $1 AND "processedAt" IS NULL`,
    values: [String(rowId)],
  });
}

let running = false;
let again = false;
let lastErrorLogged = 0;

/**
 * Best-effort relay after a commit, coalesced: many requests finishing
 * together cause one relay pass, not one each. Never throws.
 */
export function kickOutboxRelay(): void {
  if (running) {
    again = true;
    return;
  }
  running = true;
  setImmediate(async () => {
    do {
      again = false;
      try {
        await drainOutbox();
      } catch (err) {
        // Redis down or similar: the worker's scheduled relay catches up later.
        if (Date.now() - lastErrorLogged > 30_000) {
          lastErrorLogged = Date.now();
          console.warn(`[outbox] relay deferred: ${(err as Error).message}`);
        }
        again = false;
      }
    } while (again);
    running = false;
  });
}

export async function pendingOutboxCount(): Promise<number> {
  return db().outboxEvent.count({ where: { enqueuedAt: null } });
}

export function outboxRowId(jobId: string | undefined): bigint | null {
  const m = jobId?.match(/^outbox-(\d+)$/);
  return m ? BigInt(m[1]!) : null;
}
