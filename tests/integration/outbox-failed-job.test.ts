// An outbox row whose job ran out of attempts (every try fell within a
// database outage) is still unprocessed: the relay's redelivery must put that
// job back in the queue, since adding a job under an existing id does nothing.
import { afterAll, describe, expect, it } from "vitest";
import { UnrecoverableError, Worker } from "bullmq";
import { db, disconnectDb } from "@/lib/db";
import { drainOutbox, markOutboxProcessed, outboxJobId, outboxRowId } from "@/lib/outbox/relay";
import { closeQueues, producerQueue } from "@/lib/queues/producers";
import { createRedis, disconnectRedis } from "@/lib/redis";
import { QUEUE_PREFIX } from "@/lib/queues/contracts";
import { makeTenant } from "./fixtures";

afterAll(async () => {
  await closeQueues();
  await disconnectRedis();
  await disconnectDb();
});

describe("outbox redelivery of a job that ran out of attempts", () => {
  it("retries the failed job, which then completes and marks its row", async () => {
    const { project } = await makeTenant();
    // A queue of its own, so that no other test's worker takes the job.
    const row = await db().outboxEvent.create({ data: { queue: "system", job: "ping", payload: { nonce: `outbox-${project.id}`, sentAt: Date.now() } } });
    const jobId = outboxJobId(row.id);
    const queue = producerQueue("system");
    await queue.remove(jobId);

    let tries = 0;
    let failing = true;
    const worker = new Worker(
      "system",
      async (job) => {
        if (job.id !== jobId) return;
        tries++;
        // The last allowed attempt failing, as during an outage longer than the backoff.
        if (failing) throw new UnrecoverableError("database unavailable");
        await markOutboxProcessed(outboxRowId(job.id)!);
      },
      { connection: createRedis(), prefix: QUEUE_PREFIX },
    );
    try {
      await drainOutbox();
      const failed = async () => (await queue.getJob(jobId))?.isFailed();
      for (let n = 0; n < 100 && !(await failed()); n++) await new Promise((r) => setTimeout(r, 50));
      expect(await failed()).toBe(true);
      expect((await db().outboxEvent.findUniqueOrThrow({ where: { id: row.id } })).processedAt).toBeNull();

      failing = false;
      await drainOutbox({ redeliverAfterMs: 0 });
      for (let n = 0; n < 100 && !(await db().outboxEvent.findUniqueOrThrow({ where: { id: row.id } })).processedAt; n++) await new Promise((r) => setTimeout(r, 50));
      expect((await db().outboxEvent.findUniqueOrThrow({ where: { id: row.id } })).processedAt).not.toBeNull();
      expect(tries).toBe(2);
    } finally {
      await worker.close();
      await queue.remove(jobId).catch(() => undefined);
    }
  }, 30_000);
});
