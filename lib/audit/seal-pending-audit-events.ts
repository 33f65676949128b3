// Seals audit events into their hash chains. Writers insert AuditEvent rows
// without hashing, so that recording an action never serializes ingest; the
// worker runs this every few seconds and is the only place that orders them.
//
// Events are sealed in id order, and only below a horizon every id under
// which is final. Ids come from a sequence drawn at insert time, not at
// commit: a transaction holding id 41 can commit after one holding id 42. An
// INSERT takes RowExclusiveLock on the table before it draws an id and keeps
// it until its transaction ends, so: read the sequence's last value V, then
// the transactions holding that lock; once all of those have ended, every id
// up to V is committed or gone for good (settledHorizon). A writer that stays
// open holds back sealing of later ids until it ends, which verification
// reports if it lasts (see UNSEALED_GRACE_MS).
//
// Because each batch seals, atomically, every unsealed event from the bottom
// up to its last id, "every event up to the highest sealed id is sealed"
// holds, and each run only reads events above that id: the cost of a run is
// the number of new events, not the length of the history.
//
// Assumes ids come from the column's sequence (no explicit ids) and that the
// sequence hands out one id at a time (CACHE 1, checked): an event outside
// that is never sealed, and verification names it.
import { setTimeout as sleep } from "node:timers/promises";
import { Prisma } from "@/lib/generated/prisma/client.ts";
import { db } from "@/lib/db";
import { GENESIS_HASH, chainKeyOf, linkHash } from "@/lib/audit/chain";
import { chainHead, lockChain } from "@/lib/audit/chain-store";

/** Events read and sealed per transaction: bounds memory and lock time. */
const BATCH_SIZE = 5_000;

export type SealResult = {
  sealed: number;
  chains: number;
  /** False when writers that may hold lower ids were still open after `maxWaitMs`. */
  settled: boolean;
};

/**
 * Seals up to `maxEvents` events, oldest id first. Safe in several processes
 * at once: a batch locks its chains (in one order, so sealers never deadlock)
 * and reads the heads and the unsealed set after taking the locks, so a chain
 * never forks and no event is sealed twice.
 */
export async function sealPendingAuditEvents({
  maxEvents = 50_000,
  maxWaitMs = 1_000,
}: { maxEvents?: number; maxWaitMs?: number } = {}): Promise<SealResult> {
  const horizon = await settledHorizon(maxWaitMs);
  if (horizon === null) return { sealed: 0, chains: 0, settled: false };

  let sealed = 0;
  const chains = new Set<string>();
  while (sealed < maxEvents) {
    const limit = Math.min(BATCH_SIZE, maxEvents - sealed);
    const pending = await db().$queryRaw<{ id: bigint; projectId: string | null; orgId: string | null }[]>`
      SELECT e.id, e."projectId"::text AS "projectId", e."orgId"::text AS "orgId"
      FROM "AuditEvent" e
      WHERE e.id > COALESCE((SELECT max("auditEventId") FROM "AuditSeal"), 0)
        AND e.id <= ${horizon.toString()}::bigint
        AND NOT EXISTS (SELECT 1 FROM "AuditSeal" s WHERE s."auditEventId" = e.id)
      ORDER BY e.id
      LIMIT ${limit}::int`;
    if (pending.length === 0) break;
    const batch = await sealBatch(pending);
    for (const chain of batch.chains) chains.add(chain);
    sealed += batch.sealed;
    // A short page means nothing else is settled; no progress means another
    // sealer got there first and is working through the rest.
    if (pending.length < limit || batch.sealed === 0) break;
  }
  return { sealed, chains: chains.size, settled: true };
}

/** Every AuditEvent id at or below the result is final; null if writers are still open after `maxWaitMs`. */
async function settledHorizon(maxWaitMs: number): Promise<bigint | null> {
  // Two statements, in this order: the sequence first, then the writers.
  const [sequence] = await db().$queryRaw<{ last: bigint | null; cache: bigint }[]>`
    SELECT pg_sequence_last_value(s.seqrelid) AS last, s.seqcache AS cache
    FROM pg_sequence s
    WHERE s.seqrelid = pg_get_serial_sequence('"AuditEvent"', 'id')::regclass`;
  if (!sequence) throw new Error("AuditEvent.id has no sequence; the sealer needs one to order events");
  if (sequence.cache !== 1n) {
    throw new Error(
      `The AuditEvent id sequence caches ${sequence.cache} values; the sealer needs CACHE 1 to order events`,
    );
  }
  if (sequence.last === null) return 0n;

  const deadline = Date.now() + maxWaitMs;
  let open = await openWriters();
  while (open.size > 0) {
    if (Date.now() >= deadline) return null;
    await sleep(20);
    const still = await openWriters();
    open = new Set([...open].filter((w) => still.has(w)));
  }
  return sequence.last;
}

/** Transactions (other than ours) that have inserted, or are inserting, into AuditEvent. */
async function openWriters(): Promise<Set<string>> {
  const rows = await db().$queryRaw<{ vxid: string }[]>`
    SELECT virtualtransaction AS vxid FROM pg_locks
    WHERE locktype = 'relation'
      AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
      AND relation = '"AuditEvent"'::regclass
      AND mode = 'RowExclusiveLock'
      AND pid IS DISTINCT FROM pg_backend_pid()`;
  return new Set(rows.map((r) => r.vxid));
}

async function sealBatch(pending: { id: bigint; projectId: string | null; orgId: string | null }[]) {
  const ids = pending.map((p) => p.id);
  const chainKeys = [...new Set(pending.map(chainKeyOf))].sort();
  return db().$transaction(
    async (tx) => {
      for (const chain of chainKeys) await lockChain(tx, chain);
      // READ COMMITTED: each statement below sees what the previous lock
      // holder committed, so events it sealed drop out and its heads are ours.
      const events = await tx.auditEvent.findMany({
        where: { id: { in: ids }, seal: { is: null } },
        orderBy: { id: "asc" },
      });
      const heads = new Map<string, { seq: bigint; hash: Uint8Array }>();
      const cols = {
        id: [] as string[],
        chain: [] as string[],
        seq: [] as string[],
        prev: [] as string[],
        hash: [] as string[],
      };
      for (const event of events) {
        const chain = chainKeyOf(event);
        const head = heads.get(chain) ?? (await chainHead(tx, chain)) ?? { seq: 0n, hash: GENESIS_HASH };
        const next = { seq: head.seq + 1n, hash: linkHash(head.hash, event) };
        cols.id.push(event.id.toString());
        cols.chain.push(chain);
        cols.seq.push(next.seq.toString());
        cols.prev.push(Buffer.from(head.hash).toString("hex"));
        cols.hash.push(next.hash.toString("hex"));
        heads.set(chain, next);
      }
      if (events.length > 0) {
        // One statement for the batch. (chain, seq) is unique, so even a
        // sealer that skipped the locks could not fork a chain.
        await tx.$executeRaw`
          INSERT INTO "AuditSeal" ("auditEventId", "chain", "seq", "prevHash", "hash")
          SELECT t.id, t.chain, t.seq, decode(t.prev, 'hex'), decode(t.hash, 'hex')
          FROM unnest(${cols.id}::text[]::bigint[], ${cols.chain}::text[], ${cols.seq}::text[]::bigint[], ${cols.prev}::text[], ${cols.hash}::text[])
            AS t(id, chain, seq, prev, hash)`;
      }
      return { sealed: events.length, chains: [...heads.keys()] };
    },
    { isolationLevel: Prisma.TransactionIsolationLevel.ReadCommitted, timeout: 60_000 },
  );
}
