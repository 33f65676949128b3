// The audit hash chain's definitions, shared by the sealer, the checkpointer
// and the verifier: which chain an event belongs to, the exact bytes that are
// hashed for it, and how one link follows from the previous one. Pure: no I/O.
//
// hash(n) = sha256(hash(n-1) ‖ utf8(canonicalJson(event n))), hash(0) = 32 zero bytes.
import { createHash } from "node:crypto";
import type { AuditEvent } from "@/lib/generated/prisma/client.ts";
import { canonicalJson } from "@/lib/audit/canonical";

export const GENESIS_HASH: Buffer = Buffer.alloc(32);

/** `<projectId>`, `org:<orgId>` for organization-level events, or `global`. */
export function chainKeyOf(event: { projectId: string | null; orgId: string | null }): string {
  if (event.projectId) return event.projectId;
  if (event.orgId) return `org:${event.orgId}`;
  return "global";
}

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type ChainScope = { kind: "project"; projectId: string } | { kind: "org"; orgId: string } | { kind: "global" };

/** The inverse of chainKeyOf, or null for a key no event could have produced. */
export function parseChainKey(chain: string): ChainScope | null {
  if (chain === "global") return { kind: "global" };
  if (chain.startsWith("org:")) {
    const orgId = chain.slice(4);
    return uuid.test(orgId) ? { kind: "org", orgId } : null;
  }
  return uuid.test(chain) ? { kind: "project", projectId: chain } : null;
}

export const isUuid = (value: string) => uuid.test(value);

/**
 * Every column of the event, by name, so that a column added to AuditEvent
 * fails to compile here until someone decides how it is hashed. Relations
 * (the seal, the project) are never part of it. Null columns drop out of the
 * canonical form, so adding a nullable column keeps old hashes valid.
 */
export function auditEventCanonicalForm(event: AuditEvent): Record<keyof AuditEvent, unknown> {
  return {
    id: event.id.toString(),
    orgId: event.orgId,
    projectId: event.projectId,
    actorType: event.actorType,
    actorId: event.actorId,
    actorLabel: event.actorLabel,
    action: event.action,
    targetType: event.targetType,
    targetId: event.targetId,
    before: event.before,
    after: event.after,
    metadata: event.metadata,
    ip: event.ip,
    createdAt: event.createdAt,
  };
}

export function linkHash(prevHash: Uint8Array, event: AuditEvent): Buffer {
  return createHash("sha256")
    .update(prevHash)
    .update(canonicalJson(auditEventCanonicalForm(event)), "utf8")
    .digest();
}
