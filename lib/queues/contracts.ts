// The queue contract shared by web (producers) and workers (processors):
// queue names and the zod schema of each job payload. Safe for both sides.
import { z } from "zod";

export const QUEUE_PREFIX = "rampart";

export const queues = {
  /** Round trip through the worker, used by health checks and smoke tests. */
  system: {
    name: "system",
    jobs: {
      ping: z.object({ nonce: z.string().min(1).max(100), sentAt: z.number() }),
    },
  },
  /** Evidence committed by ingest, relayed from the outbox (job id = outbox row id). */
  ingest: {
    name: "ingest",
    jobs: {
      accepted: z.object({
        projectId: z.uuid(),
        interactions: z.array(z.uuid()),
        verdicts: z.array(z.uuid()),
        reports: z.array(z.uuid()),
        /** Business outcomes (absent from batches written before outcomes existed). */
        outcomes: z.array(z.uuid()).default([]),
        /** The minutes (UTC timestamps) the interactions' occurredAt fall in (absent from batches written before, which read them back). */
        minutes: z.array(z.iso.datetime({ local: true })).max(100_000).optional(),
      }),
    },
  },
  /** Periodic upkeep run by the worker's job schedulers. */
  maintenance: {
    name: "maintenance",
    jobs: {
      "relay-outbox": z.object({}),
      "apply-retention": z.object({}),
      "reconcile-sla": z.object({}),
      "recompute-quality": z.object({}),
      "refresh-table-stats": z.object({}),
    },
  },
  /** SLA timers: delayed jobs, one per item deadline (lib/triage/sla-timers.ts). */
  sla: {
    name: "sla",
    jobs: {
      deadline: z.object({ itemId: z.uuid(), kind: z.enum(["at_risk", "first_triage", "resolution"]), dueAt: z.iso.datetime() }),
    },
  },
  /** Events for people (SLA breaches, incidents, …), written to the outbox with the change that caused them. */
  notifications: {
    name: "notifications",
    jobs: {
      event: z
        .object({ type: z.string().min(1), projectId: z.uuid(), audience: z.enum(["leads", "admins", "all"]).default("all") })
        .loose(),
    },
  },
  /** Rollback rules: a 5 s tick fans out one evaluation per project with rules; hot ingest batches ask for one at once. */
  rollback: {
    name: "rollback",
    jobs: {
      tick: z.object({}),
      evaluate: z.object({ projectId: z.uuid() }),
    },
  },
  /** Webhook deliveries (job id = delivery id) and the sweep that re-enqueues any whose job was lost. */
  webhooks: {
    name: "webhooks",
    jobs: {
      deliver: z.object({ deliveryId: z.uuid() }),
      requeue: z.object({}),
    },
  },
  /** Labeled data exports (lib/exports/run-export.ts), relayed from the outbox the export was created with. */
  exports: {
    name: "exports",
    jobs: {
      run: z.object({ exportId: z.uuid() }),
    },
  },
  /** Dashboard rollups (lib/metrics/rollup.ts): a short pass every few seconds over the dirty buckets. */
  metrics: {
    name: "metrics",
    jobs: {
      rollup: z.object({}),
    },
  },
  /** Audit hash chain upkeep, on schedules the worker sets up (workers/schedules.ts). */
  audit: {
    name: "audit",
    jobs: {
      seal: z.object({}),
      checkpoint: z.object({}),
    },
  },
} as const;

export type QueueKey = keyof typeof queues;
export type JobName<Q extends QueueKey> = keyof (typeof queues)[Q]["jobs"] & string;
export type JobPayload<Q extends QueueKey, J extends JobName<Q>> = z.infer<
  (typeof queues)[Q]["jobs"][J] extends z.ZodType ? (typeof queues)[Q]["jobs"][J] : never
>;

export function payloadSchema<Q extends QueueKey>(queue: Q, job: string): z.ZodType | undefined {
  return (queues[queue].jobs as Record<string, z.ZodType>)[job];
}

/** Redis key where the ping processor leaves its answer for the sender. */
export const pingReplyKey = (nonce: string) => `${QUEUE_PREFIX}:ping:${nonce}`;

/** Redis key prefix under which each live worker keeps a heartbeat. */
export const WORKER_HEARTBEAT_PREFIX = `${QUEUE_PREFIX}:worker:`;
export const WORKER_HEARTBEAT_TTL_SECONDS = 15;
