// The fast path from a committed outbox row to its queue. Whoever committed
// the row already holds its id, queue and payload, so there is nothing to
// look up or lock: rows from requests finishing together are added in one
// addBulk per queue (job id = row id, as the relay does, so a row that both
// paths enqueue collapses into one job) and then marked enqueued in one
// UPDATE. A row this path could not enqueue (Redis down, a process dying
// after its commit) keeps "enqueuedAt" NULL, and the relay — the worker runs
// it every 2 seconds — delivers it instead.
import "server-only";
import { pgPool } from "@/lib/db";
import type { QueueKey } from "@/lib/queues/contracts";
import { addOutboxJobs } from "@/lib/outbox/relay";

export type CommittedOutboxRow = { id: string; queue: QueueKey; job: string; payload: object };

const waiting = new Map<QueueKey, CommittedOutboxRow[]>();
/** A flush is due or running; rows handed over meanwhile go out with the next one. */
let scheduled = false;
let lastErrorLogged = 0;

/** Hands rows committed a moment ago to their queues; never throws, never waits for Redis. */
export function enqueueCommitted(rows: CommittedOutboxRow[]): void {
  for (const row of rows) {
    const list = waiting.get(row.queue);
    if (list) list.push(row);
    else waiting.set(row.queue, [row]);
  }
  if (!scheduled) schedule();
}

function schedule(): void {
  scheduled = true;
  setImmediate(() => void flush());
}

async function flush(): Promise<void> {
  const batches = [...waiting];
  waiting.clear();
  try {
    await Promise.all(batches.map(([queue, rows]) => enqueueRows(queue, rows)));
  } finally {
    scheduled = false;
    if (waiting.size > 0) schedule();
  }
}

async function enqueueRows(queue: QueueKey, rows: CommittedOutboxRow[]): Promise<void> {
  try {
    await addOutboxJobs(queue, rows);
    // Only rows the relay has not marked meanwhile, so attempts count each delivery once.
    await pgPool().query({
      name: "rampart-outbox-enqueued",
      text: `UPDATE "OutboxEvent" SET "enqueuedAt" = now(), attempts = attempts + 1 WHERE id = ANY($1::bigint[]) AND "enqueuedAt" IS NULL`,
      values: [rows.map((r) => r.id)],
    });
  } catch (err) {
    if (Date.now() - lastErrorLogged > 30_000) {
      lastErrorLogged = Date.now();
      console.warn(`[outbox] enqueue deferred to the relay: ${(err as Error).message}`);
    }
  }
}
