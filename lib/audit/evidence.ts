// Which evidence rows an audit event vouches for. Ingest records one audit
// event per request ("events.ingested") whose metadata names every event the
// request stored, each with the canonical digest of its row; events recorded
// before that carried one audit event per stored row (`<kind>.ingested`, the
// row in targetType/targetId, its digest in metadata.digest). Verification
// reads both, so a chain that spans the change verifies end to end.
import type { AuditEvent } from "@/lib/generated/prisma/client.ts";
import { canonicalDigest, withCanonicalKeyOrder } from "@/lib/audit/canonical";
import { ROW_DIGEST_ENCODING, rowDigest } from "@/lib/ingest/column-arrays";
import { INGEST_COLUMNS } from "@/lib/ingest/sql";

export const EVENTS_INGESTED = "events.ingested";

export const EVIDENCE_TYPES = ["interaction", "verdict", "report", "outcome"] as const;
export type EvidenceType = (typeof EVIDENCE_TYPES)[number];

/** One stored event as its request's audit event names it. */
export type IngestedEvidence = { type: EvidenceType; id: string; digest: string };

/**
 * How a row's digest was computed: "json", the SHA-256 of its canonical JSON
 * (canonical.ts; every audit event before the request's metadata said
 * otherwise), or "columns-v1", of its bytes as ingest's statement carried
 * them (lib/ingest/column-arrays.ts), named by the metadata's digestEncoding.
 */
export type DigestEncoding = "json" | typeof ROW_DIGEST_ENCODING;

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
): (IngestedEvidence & { encoding: DigestEncoding; malformed?: true })[] {
  const metadata = event.metadata;
  const malformed = { type: "interaction", id: "", digest: "", encoding: "json", malformed: true } as const;
  if (event.action === EVENTS_INGESTED) {
    const events = isRecord(metadata) ? metadata.events : undefined;
    const named = isRecord(metadata) ? metadata.digestEncoding : undefined;
    // An encoding verify does not know would leave its rows unchecked: it is reported, not skipped.
    if (!Array.isArray(events) || (named !== undefined && named !== ROW_DIGEST_ENCODING)) return [malformed];
    const encoding: DigestEncoding = named ?? "json";
    return events.map((e) =>
      isRecord(e) && isEvidenceType(e.type) && typeof e.id === "string" && typeof e.digest === "string"
        ? { type: e.type, id: e.id, digest: e.digest, encoding }
        : malformed,
    );
  }
  // One audit event per row, as ingest recorded them before.
  if (!isEvidenceType(event.targetType) || !event.targetId || !isRecord(metadata)) return [];
  const digest = metadata.digest;
  return typeof digest === "string" ? [{ type: event.targetType, id: event.targetId, digest, encoding: "json" }] : [];
}

/** A stored row's digest (as Prisma reads it back), computed the way its audit event says ingest computed it. */
export function evidenceDigest(type: EvidenceType, row: Record<string, unknown>, encoding: DigestEncoding): string {
  if (encoding === "json") return canonicalDigest(row);
  const columns = INGEST_COLUMNS[type]; // the columns ingest stores per type, which the digest covers
  const values: Record<string, unknown> = {};
  // jsonb hands its keys back in its own order; ingest wrote them in canonical order.
  for (const [name, t] of columns) values[name] = t === "jsonb" ? withCanonicalKeyOrder(row[name]) : row[name];
  return rowDigest(columns, values);
}
