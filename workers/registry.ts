// Every processor, registered in one place with its queue and concurrency.
import type { Job } from "bullmq";
import type { QueueKey } from "@/lib/queues/contracts";
import { processPing } from "@/workers/processors/system-ping";

export type Processor = (job: Job) => Promise<unknown>;

export type Registration = {
  queue: QueueKey;
  concurrency: number;
  /** job name → processor */
  handlers: Record<string, Processor>;
};

export const registrations: Registration[] = [
  { queue: "system", concurrency: 4, handlers: { ping: processPing } },
];
