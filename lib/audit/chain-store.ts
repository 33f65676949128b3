// Reads and locks on the audit chain tables, shared by the sealer, the
// checkpointer, the verifier and the status panel.
import type { Prisma } from "@/lib/generated/prisma/client.ts";
import type { PrismaClient, Tx } from "@/lib/db";
import type { ChainScope } from "@/lib/audit/chain";

type Client = PrismaClient | Tx;

/**
 * Serializes writers of one chain (sealers and checkpointers, in any number
 * of worker processes) until the transaction ends. Two chains hashing to the
 * same lock only wait for each other.
 */
export async function lockChain(tx: Tx, chain: string): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`rampart:audit-chain:${chain}`}, 0))`;
}

export type ChainHead = { seq: bigint; hash: Uint8Array<ArrayBuffer>; auditEventId: bigint };

/** The last link of a chain, or null before its first seal. */
export async function chainHead(client: Client, chain: string): Promise<ChainHead | null> {
  return client.auditSeal.findFirst({
    where: { chain },
    orderBy: { seq: "desc" },
    select: { seq: true, hash: true, auditEventId: true },
  });
}

/**
 * The sealer's watermark: every event up to it is sealed (see
 * seal-pending-audit-events.ts), so only later ones can be waiting.
 */
export async function highestSealedEventId(client: Client): Promise<bigint> {
  const { _max } = await client.auditSeal.aggregate({ _max: { auditEventId: true } });
  return _max.auditEventId ?? 0n;
}

/** The events that belong to a chain (mirror of chainKeyOf). */
export function chainEventWhere(scope: ChainScope): Prisma.AuditEventWhereInput {
  switch (scope.kind) {
    case "project":
      return { projectId: scope.projectId };
    case "org":
      return { projectId: null, orgId: scope.orgId };
    case "global":
      return { projectId: null, orgId: null };
  }
}

/**
 * Every chain that has a seal, a checkpoint or an event. Seal and checkpoint
 * chains are read with a skip scan over their (chain, seq) indexes, so this
 * stays cheap on long histories.
 */
export async function listChainKeys(client: Client): Promise<string[]> {
  const rows = await client.$queryRaw<{ chain: string }[]>`
    WITH RECURSIVE sealed(chain) AS (
      (SELECT chain FROM "AuditSeal" ORDER BY chain LIMIT 1)
      UNION ALL
      SELECT (SELECT s.chain FROM "AuditSeal" s WHERE s.chain > sealed.chain ORDER BY s.chain LIMIT 1)
      FROM sealed WHERE sealed.chain IS NOT NULL
    ), checkpointed(chain) AS (
      (SELECT chain FROM "AuditCheckpoint" ORDER BY chain LIMIT 1)
      UNION ALL
      SELECT (SELECT c.chain FROM "AuditCheckpoint" c WHERE c.chain > checkpointed.chain ORDER BY c.chain LIMIT 1)
      FROM checkpointed WHERE checkpointed.chain IS NOT NULL
    )
    SELECT chain FROM sealed WHERE chain IS NOT NULL
    UNION
    SELECT chain FROM checkpointed WHERE chain IS NOT NULL
    UNION
    SELECT p.id::text FROM "Project" p
      WHERE EXISTS (SELECT 1 FROM "AuditEvent" e WHERE e."projectId" = p.id)
    UNION
    SELECT 'org:' || o.id::text FROM "Organization" o
      WHERE EXISTS (SELECT 1 FROM "AuditEvent" e WHERE e."orgId" = o.id AND e."projectId" IS NULL)
    UNION
    SELECT 'global' WHERE EXISTS (SELECT 1 FROM "AuditEvent" e WHERE e."projectId" IS NULL AND e."orgId" IS NULL)
    ORDER BY 1`;
  return rows.map((r) => r.chain);
}

/**
 * How many of a chain's events wait for a seal, and the oldest one older than
 * `overdueBefore`. With `aboveId`, only events above it are considered.
 */
export async function unsealedEvents(client: Client, scope: ChainScope, overdueBefore: Date, aboveId?: bigint) {
  const where: Prisma.AuditEventWhereInput = {
    ...chainEventWhere(scope),
    ...(aboveId !== undefined ? { id: { gt: aboveId } } : {}),
    seal: { is: null },
  };
  const count = await client.auditEvent.count({ where });
  const oldestOverdue = count
    ? await client.auditEvent.findFirst({
        where: { ...where, createdAt: { lt: overdueBefore } },
        orderBy: { id: "asc" },
        select: { id: true, createdAt: true },
      })
    : null;
  return { count, oldestOverdue };
}
