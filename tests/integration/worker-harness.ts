// Runs the real processors of some queues in this process (the registry's
// handlers on real BullMQ workers), so a test can follow work from the ingest
// API through the queues, and a local HTTP receiver for webhooks on 127.0.0.1.
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { Worker, type Job } from "bullmq";
import { createRedis } from "@/lib/redis";
import { QUEUE_PREFIX, queues, type QueueKey } from "@/lib/queues/contracts";
import { registrations } from "@/workers/registry";

export function startWorkers(keys: QueueKey[]): () => Promise<void> {
  const workers = registrations
    .filter((r) => keys.includes(r.queue))
    .map(
      (reg) =>
        new Worker(
          queues[reg.queue].name,
          async (job: Job) => {
            const handler = reg.handlers[job.name];
            if (!handler) throw new Error(`No processor for ${reg.queue}/${job.name}`);
            return handler(job);
          },
          { connection: createRedis(), prefix: QUEUE_PREFIX, concurrency: reg.concurrency },
        ),
    );
  for (const w of workers) w.on("error", () => undefined);
  return async () => {
    await Promise.all(workers.map((w) => w.close()));
  };
}

export type Received = { headers: IncomingHttpHeaders; body: string; at: number };

/** A webhook receiver: answers each request with the next status from `statuses` (the last one repeats). */
export async function startReceiver(statuses: number[] = [200]) {
  const received: Received[] = [];
  let answer = [...statuses];
  const server = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (d: string) => (body += d));
    req.on("end", () => {
      received.push({ headers: req.headers, body, at: Date.now() });
      const status = answer.length > 1 ? answer.shift()! : answer[0]!;
      res.writeHead(status, { "content-type": "text/plain" }).end(status < 300 ? "ok" : "nope");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    answerWith: (next: number[]) => (answer = [...next]),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export async function waitFor<T>(what: string, fn: () => Promise<T | null | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
