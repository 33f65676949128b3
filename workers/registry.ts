// Every processor, registered in one place with its queue and concurrency.
import type { Job } from "bullmq";
import type { QueueKey } from "@/lib/queues/contracts";
import { processPing } from "@/workers/processors/system-ping";
import { processAuditSeal } from "@/workers/processors/audit-seal";
import { processAuditCheckpoint } from "@/workers/processors/audit-checkpoint";
import { processApplyRetention, processRecomputeQuality, processRefreshTableStats, processRelayOutbox } from "@/workers/processors/maintenance";
import { processIngestAccepted } from "@/workers/processors/triage";
import { processReconcileSla, processSlaDeadline } from "@/workers/processors/sla";
import { processNotificationEvent } from "@/workers/processors/notifications";
import { processEvaluateRules, processRollbackTick } from "@/workers/processors/rollback";
import { processRequeueWebhooks, processWebhookDelivery } from "@/workers/processors/webhooks";
import { processRunExport } from "@/workers/processors/exports";
import { processRollup } from "@/workers/processors/metrics";

export type Processor = (job: Job) => Promise<unknown>;

export type Registration = {
  queue: QueueKey;
  concurrency: number;
  /** job name → processor */
  handlers: Record<string, Processor>;
};

export const registrations: Registration[] = [
  { queue: "system", concurrency: 4, handlers: { ping: processPing } },
  // Jobs wait on Postgres and Redis far more than they use CPU, and triage merges concurrent batches (process-signals.ts).
  { queue: "ingest", concurrency: 32, handlers: { accepted: processIngestAccepted } },
  // One at a time per process; chain locks keep several processes correct.
  { queue: "audit", concurrency: 1, handlers: { seal: processAuditSeal, checkpoint: processAuditCheckpoint } },
  { queue: "sla", concurrency: 4, handlers: { deadline: processSlaDeadline } },
  { queue: "notifications", concurrency: 4, handlers: { event: processNotificationEvent } },
  // The queue's deduplication keeps one project's evaluations from overlapping; concurrency spreads projects.
  { queue: "rollback", concurrency: 2, handlers: { tick: processRollbackTick, evaluate: processEvaluateRules } },
  // Deliveries wait on other people's servers, not on CPU.
  { queue: "webhooks", concurrency: 8, handlers: { deliver: processWebhookDelivery, requeue: processRequeueWebhooks } },
  // Long, I/O-bound streams: one at a time per process keeps memory flat and the database unhurried.
  { queue: "exports", concurrency: 1, handlers: { run: processRunExport } },
  // Passes take an advisory lock, so more would only wait.
  { queue: "metrics", concurrency: 1, handlers: { rollup: processRollup } },
  {
    queue: "maintenance",
    concurrency: 1,
    handlers: {
      "relay-outbox": processRelayOutbox,
      "apply-retention": processApplyRetention,
      "reconcile-sla": processReconcileSla,
      "recompute-quality": processRecomputeQuality,
      "refresh-table-stats": processRefreshTableStats,
    },
  },
];
