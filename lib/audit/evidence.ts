// Which evidence rows an audit event vouches for. Ingest records one audit
// event per request ("events.ingested") whose metadata names every event the
// request stored, each with the canonical digest of its row; events recorded
// before that carried one audit event per stored row (`<kind>.ingested`, the
// row in targetType/targetId, its digest in metadata.digest). Verification
// reads both, so a chain that spans the change verifies end to end.
import type { AuditEvent } from "@/lib/generated/prisma/client.ts";

export const EVENTS_INGESTED = "events.ingested";

export const EVIDENCE_TYPES = ["interaction", "verdict", "report", "outcome"] as const;
export type EvidenceType = (typeof EVIDENCE_TYPES)[number];

/** One stored event as its request's audit event names it. */
export type IngestedEvidence = { type: EvidenceType; id: string; digest: string };

const isEvidenceType = (t: unknown): t is EvidenceType =>
  typeof t === "string" && (EVIDENCE_TYPES as readonly string[]).includes(t);
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * The rows an audit event vouches for, with the digests it recorded. An entry
 * that is not well formed is returned with `malformed` set, so that a rewritten
 * audit event cannot quietly stop vouching for rows (the hash chain catches a
 * rewrite anyway; this keeps verification's message precise).
 */
export function evidenceOf(
  event: Pick<AuditEvent, "action" | "targetType" | "targetId" | "metadata">,
): (IngestedEvidence & { malformed?: true })[] {
  const metadata = event.metadata;
  if (event.action === EVENTS_INGESTED) {
    const events = isRecord(metadata) ? metadata.events : undefined;
    if (!Array.isArray(events)) return [{ type: "interaction", id: "", digest: "", malformed: true }];
    return events.map((e) =>
      isRecord(e) && isEvidenceType(e.type) && typeof e.id === "string" && typeof e.digest === "string"
        ? { type: e.type, id: e.id, digest: e.digest }
        : { type: "interaction", id: "", digest: "", malformed: true },
    );
  }
  // One audit event per row, as ingest recorded them before.
  if (!isEvidenceType(event.targetType) || !event.targetId || !isRecord(metadata)) return [];
  const digest = metadata.digest;
  return typeof digest === "string" ? [{ type: event.targetType, id: event.targetId, digest }] : [];
}
