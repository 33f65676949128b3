// Counters kept in this process for the hot paths that GET /metrics reports:
// ingested events by kind and status, and flag evaluations by reason.
//
// Flag evaluation runs at thousands of requests a second, so counting there
// is one Map lookup per request (the project's slots) and one array add per
// flag: no label strings, no objects. Labels are only built when scraped.
//
// One registry per process, on globalThis: the lean HTTP layer (server.ts)
// and Next's route bundles are separate module copies, and the counts one
// of them adds must be the counts the other one serves.
import "server-only";

export const ingestKinds = ["interaction", "verdict", "report", "outcome"] as const;
/** An event whose type was not one of ingestKinds (rejected, so never stored). */
export const UNKNOWN_KIND = "unknown";
export const ingestStatuses = ["accepted", "duplicate", "rejected"] as const;
export type IngestStatus = (typeof ingestStatuses)[number];

/** OFREP's reasons, Rampart's COST_LIMIT, and UNKNOWN for anything else. */
export const flagReasons = ["STATIC", "DEFAULT", "TARGETING_MATCH", "SPLIT", "DISABLED", "COST_LIMIT", "ERROR", "UNKNOWN"] as const;
export type FlagReason = (typeof flagReasons)[number];

const KIND_SLOTS = ingestKinds.length + 1;
const STATUS_SLOTS = ingestStatuses.length;
const STATUS_INDEX: Readonly<Record<IngestStatus, number>> = { accepted: 0, duplicate: 1, rejected: 2 };
const REASON_INDEX = new Map<string, number>(flagReasons.map((r, i) => [r, i]));
const UNKNOWN_REASON = flagReasons.indexOf("UNKNOWN");

type Registry = {
  /** projectId → counts at kindIndex * STATUS_SLOTS + statusIndex (kind index ingestKinds.length is "unknown"). */
  ingest: Map<string, Float64Array>;
  /** projectId → counts at the index of the reason in flagReasons. */
  flags: Map<string, Float64Array>;
};

const globalForCounters = globalThis as unknown as { rampartProcessCounters?: Registry };
const registry: Registry = (globalForCounters.rampartProcessCounters ??= { ingest: new Map(), flags: new Map() });

function kindIndex(type: string | null): number {
  switch (type) {
    case "interaction":
      return 0;
    case "verdict":
      return 1;
    case "report":
      return 2;
    case "outcome":
      return 3;
    default:
      return ingestKinds.length;
  }
}

/** Counts the per-event statuses of one ingest call. */
export function countIngestResults(projectId: string, results: readonly { type: string | null; status: IngestStatus }[]): void {
  let counts = registry.ingest.get(projectId);
  if (!counts) registry.ingest.set(projectId, (counts = new Float64Array(KIND_SLOTS * STATUS_SLOTS)));
  for (const r of results) counts[kindIndex(r.type) * STATUS_SLOTS + STATUS_INDEX[r.status]]!++;
}

/** A project's evaluation counts: look it up once per request, then `counts[reasonSlot(reason)]++` per flag. */
export function flagEvaluationCounts(projectId: string): Float64Array {
  let counts = registry.flags.get(projectId);
  if (!counts) registry.flags.set(projectId, (counts = new Float64Array(flagReasons.length)));
  return counts;
}

export function reasonSlot(reason: string): number {
  return REASON_INDEX.get(reason) ?? UNKNOWN_REASON;
}

export type IngestCount = { kind: string; status: IngestStatus; value: number };
export type FlagEvaluationCount = { reason: FlagReason; value: number };

/** What this process has counted for a project (every known kind/status and reason, zeros included; "unknown" kind only once seen). */
export function processCountsFor(projectId: string): { ingest: IngestCount[]; flagEvaluations: FlagEvaluationCount[] } {
  const ingestCounts = registry.ingest.get(projectId);
  const ingest: IngestCount[] = [];
  for (let k = 0; k < KIND_SLOTS; k++) {
    const kind = k < ingestKinds.length ? ingestKinds[k]! : UNKNOWN_KIND;
    for (let s = 0; s < STATUS_SLOTS; s++) {
      const value = ingestCounts?.[k * STATUS_SLOTS + s] ?? 0;
      if (kind === UNKNOWN_KIND && value === 0) continue;
      ingest.push({ kind, status: ingestStatuses[s]!, value });
    }
  }
  const flagCounts = registry.flags.get(projectId);
  const flagEvaluations = flagReasons.map((reason, i) => ({ reason, value: flagCounts?.[i] ?? 0 }));
  return { ingest, flagEvaluations };
}
