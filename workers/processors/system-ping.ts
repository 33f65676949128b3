// Answers a ping so that the web side (health, tests) can prove a job makes
// the round trip through Redis and a live worker.
import type { Job } from "bullmq";
import { pingReplyKey, queues } from "@/lib/queues/contracts";
import { redis } from "@/lib/redis";

export async function processPing(job: Job): Promise<{ latencyMs: number }> {
  const payload = queues.system.jobs.ping.parse(job.data);
  const latencyMs = Date.now() - payload.sentAt;
  await redis().set(pingReplyKey(payload.nonce), JSON.stringify({ jobId: job.id, latencyMs }), "EX", 60);
  return { latencyMs };
}
