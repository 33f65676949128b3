// Recomputes audit chains from what is stored now and reports the first link
// that does not hold: an event edited after sealing, a seal removed or
// rewritten, a checkpoint that no longer matches or is not ours, an evidence
// row changed behind its audit event, an event left unsealed. Reads in
// batches, so memory stays flat however long a chain is.
import type { AuditCheckpoint, AuditEvent, AuditSeal } from "@/lib/generated/prisma/client.ts";
import { db } from "@/lib/db";
import { GENESIS_HASH, chainKeyOf, isUuid, linkHash, parseChainKey } from "@/lib/audit/chain";
import { chainHead, listChainKeys, unsealedEvents } from "@/lib/audit/chain-store";
import { publicKeyFingerprint, signingKey, verifyCheckpointSignature } from "@/lib/audit/checkpoint-signature";
import { EVIDENCE_TYPES, evidenceDigest, evidenceOf, type DigestEncoding, type EvidenceType } from "@/lib/audit/evidence";

/**
 * An event still unsealed this long after it was written means the sealer is
 * down, a writer has held its transaction open that long (sealing waits for
 * it, see seal-pending-audit-events.ts), or the event was slipped in below
 * the sealed range. Well above a sealing run (every 2 s) so that verifying a
 * busy project raises no false alarms.
 */
export const UNSEALED_GRACE_MS = 60_000;

const DEFAULT_BATCH_SIZE = 5_000;

export type BrokenLink = {
  /** The audit event at the broken link; null when the break is not an event (a checkpoint past the head). */
  eventId: string | null;
  seq: number | null;
  reason: string;
};

export type ChainReport = {
  chain: string;
  /** Links in the chain (the head's seq). */
  length: number;
  /** The newest sealed event: the head of the chain. */
  sealedThrough: { eventId: string; createdAt: Date } | null;
  /** Events of the chain not sealed yet. */
  unsealed: number;
  lastCheckpoint: { seq: number; createdAt: Date; publicKey: string } | null;
  ok: boolean;
  firstBroken?: BrokenLink;
};

export type VerificationReport = {
  ok: boolean;
  checkedAt: Date;
  chains: ChainReport[];
};

export type VerifyOptions = {
  /** Only this project's chain; otherwise every chain. */
  projectId?: string;
  /** Raw Ed25519 public keys (base64) whose checkpoints count; defaults to the configured key's. */
  trustedPublicKeys?: readonly string[];
  batchSize?: number;
};

export async function verifyChains(opts: VerifyOptions = {}): Promise<VerificationReport> {
  const checkedAt = new Date();
  const chains = opts.projectId ? [opts.projectId] : await listChainKeys(db());
  const ctx: Ctx = {
    trusted: new Set(opts.trustedPublicKeys ?? [signingKey().publicKeyBase64]),
    batchSize: opts.batchSize ?? DEFAULT_BATCH_SIZE,
    overdueBefore: new Date(checkedAt.getTime() - UNSEALED_GRACE_MS),
  };
  const reports: ChainReport[] = [];
  for (const chain of chains) reports.push(await verifyChain(chain, ctx));
  return { ok: reports.every((r) => r.ok), checkedAt, chains: reports };
}

type Ctx = { trusted: ReadonlySet<string>; batchSize: number; overdueBefore: Date };

async function verifyChain(chain: string, ctx: Ctx): Promise<ChainReport> {
  const scope = parseChainKey(chain);
  const head = await chainHead(db(), chain);
  const headEvent = head
    ? await db().auditEvent.findUnique({ where: { id: head.auditEventId }, select: { id: true, createdAt: true } })
    : null;
  const lastCheckpoint = await db().auditCheckpoint.findFirst({
    where: { chain },
    orderBy: [{ seq: "desc" }, { createdAt: "desc" }],
    select: { seq: true, createdAt: true, publicKey: true },
  });
  const unsealed = scope ? await unsealedEvents(db(), scope, ctx.overdueBefore) : { count: 0, oldestOverdue: null };

  let firstBroken: BrokenLink | undefined;
  if (!scope) firstBroken = { eventId: null, seq: null, reason: `"${chain}" is not a chain key any event maps to` };
  firstBroken ??= await walkChain(chain, ctx);
  if (!firstBroken && unsealed.oldestOverdue) {
    const { id, createdAt } = unsealed.oldestOverdue;
    firstBroken = {
      eventId: id.toString(),
      seq: null,
      reason: `event ${id} is not sealed (written ${createdAt.toISOString()})`,
    };
  }

  return {
    chain,
    length: Number(head?.seq ?? 0n),
    sealedThrough: headEvent ? { eventId: headEvent.id.toString(), createdAt: headEvent.createdAt } : null,
    unsealed: unsealed.count,
    lastCheckpoint: lastCheckpoint
      ? { seq: Number(lastCheckpoint.seq), createdAt: lastCheckpoint.createdAt, publicKey: lastCheckpoint.publicKey }
      : null,
    ok: !firstBroken,
    ...(firstBroken ? { firstBroken } : {}),
  };
}

/** Walks the seals in seq order, recomputing every hash; returns the first break. */
async function walkChain(chain: string, ctx: Ctx): Promise<BrokenLink | undefined> {
  const checkpoints = checkpointCursor(chain, ctx.batchSize);
  let expectedSeq = 1n;
  let prev: Uint8Array = GENESIS_HASH;
  for (;;) {
    const seals = await db().auditSeal.findMany({
      where: { chain, seq: { gte: expectedSeq } },
      orderBy: { seq: "asc" },
      take: ctx.batchSize,
    });
    if (seals.length === 0) break;
    const rows = await db().auditEvent.findMany({ where: { id: { in: seals.map((s) => s.auditEventId) } } });
    const events = new Map(rows.map((e) => [e.id, e]));

    const claims: EvidenceClaim[] = [];
    let broken: BrokenLink | undefined;
    for (const seal of seals) {
      const event = events.get(seal.auditEventId);
      const at = (reason: string): BrokenLink => ({
        eventId: seal.auditEventId.toString(),
        seq: Number(seal.seq),
        reason,
      });
      const linkProblem = checkLink(chain, seal, event, expectedSeq, prev);
      if (linkProblem) {
        broken = at(linkProblem);
        break;
      }
      prev = seal.hash;
      const checkpointProblem = await checkCheckpointsAt(checkpoints, seal, ctx.trusted);
      if (checkpointProblem) {
        broken = at(checkpointProblem);
        break;
      }
      for (const claim of evidenceClaims(event!, seal.seq)) claims.push(claim);
      expectedSeq += 1n;
      // An ingest audit event names up to ~200 rows: check as claims pile up, so memory stays flat.
      if (claims.length >= EVIDENCE_CHECK_EVERY) {
        const evidenceBroken = await checkEvidence(claims.splice(0));
        if (evidenceBroken) return evidenceBroken;
      }
    }
    // Every claim comes before `broken` in the chain, so its break is the first.
    const evidenceBroken = await checkEvidence(claims);
    if (evidenceBroken ?? broken) return evidenceBroken ?? broken;
  }

  const beyond = await checkpoints.peek();
  if (beyond) {
    return {
      eventId: null,
      seq: Number(beyond.seq),
      reason: `checkpoint at seq ${beyond.seq} is beyond the chain head (seq ${expectedSeq - 1n}): links were removed`,
    };
  }
  return undefined;
}

function checkLink(
  chain: string,
  seal: AuditSeal,
  event: AuditEvent | undefined,
  expectedSeq: bigint,
  prev: Uint8Array,
): string | undefined {
  if (seal.seq !== expectedSeq) return `sequence gap: expected seq ${expectedSeq}, found ${seal.seq}`;
  if (!event) return `sealed event ${seal.auditEventId} is missing`;
  if (chainKeyOf(event) !== chain) return `event belongs to chain ${chainKeyOf(event)}, not ${chain}`;
  if (!Buffer.from(seal.prevHash).equals(prev)) return "prevHash does not link";
  // The stored hash is trusted only as far as it equals the recomputation
  // from the event as it is stored now.
  if (!linkHash(prev, event).equals(seal.hash)) return "event content changed";
  return undefined;
}

type Cursor<T> = { peek(): Promise<T | undefined>; take(): void };

/** Checkpoints of a chain in seq order, a page at a time. */
function checkpointCursor(chain: string, pageSize: number): Cursor<AuditCheckpoint> {
  let page: AuditCheckpoint[] = [];
  let index = 0;
  let done = false;
  let after: { seq: bigint; id: string } | null = null;
  return {
    async peek() {
      if (index < page.length) return page[index];
      if (done) return undefined;
      page = await db().auditCheckpoint.findMany({
        where: {
          chain,
          ...(after ? { OR: [{ seq: { gt: after.seq } }, { seq: after.seq, id: { gt: after.id } }] } : {}),
        },
        orderBy: [{ seq: "asc" }, { id: "asc" }],
        take: pageSize,
      });
      index = 0;
      done = page.length < pageSize;
      const last = page.at(-1);
      if (last) after = { seq: last.seq, id: last.id };
      return page[0];
    },
    take() {
      index++;
    },
  };
}

async function checkCheckpointsAt(
  checkpoints: Cursor<AuditCheckpoint>,
  seal: AuditSeal,
  trusted: ReadonlySet<string>,
): Promise<string | undefined> {
  for (let cp = await checkpoints.peek(); cp && cp.seq <= seal.seq; cp = await checkpoints.peek()) {
    checkpoints.take();
    if (!trusted.has(cp.publicKey))
      return `checkpoint at seq ${cp.seq} is signed by an untrusted key (${publicKeyFingerprint(cp.publicKey)})`;
    if (!verifyCheckpointSignature(cp, cp.publicKey)) return `checkpoint signature invalid at seq ${cp.seq}`;
    // Only a checkpoint at seq < 1 can be behind the walk: no link has that seq.
    if (cp.seq !== seal.seq || !Buffer.from(cp.headHash).equals(seal.hash)) {
      return `checkpoint at seq ${cp.seq} does not match the chain`;
    }
  }
  return undefined;
}

/** Evidence rows by id, per type: what audit events vouch for (lib/audit/evidence.ts). */
const evidenceModels: Record<EvidenceType, (ids: string[]) => Promise<{ id: string }[]>> = {
  interaction: (ids) => db().interaction.findMany({ where: { id: { in: ids } } }),
  verdict: (ids) => db().verdict.findMany({ where: { id: { in: ids } } }),
  report: (ids) => db().userReport.findMany({ where: { id: { in: ids } } }),
  outcome: (ids) => db().businessEvent.findMany({ where: { id: { in: ids } } }),
};

/** Rows read per query when checking digests (a batch of seals can vouch for ~100 rows each). */
const EVIDENCE_READ_CHUNK = 2_000;
/** Claims held before they are checked, within a batch of seals. */
const EVIDENCE_CHECK_EVERY = 20_000;

type EvidenceClaim = { type: EvidenceType; rowId: string; digest: string; encoding: DigestEncoding; eventId: bigint; seq: bigint; malformed?: true };

function evidenceClaims(event: AuditEvent, seq: bigint): EvidenceClaim[] {
  return evidenceOf(event).map((e) => ({ type: e.type, rowId: e.id, digest: e.digest, encoding: e.encoding, eventId: event.id, seq, ...(e.malformed ? { malformed: true as const } : {}) }));
}

async function checkEvidence(claims: EvidenceClaim[]): Promise<BrokenLink | undefined> {
  const rows = new Map<string, Record<string, unknown>>();
  for (const type of EVIDENCE_TYPES) {
    const ids = [...new Set(claims.filter((c) => c.type === type && !c.malformed && isUuid(c.rowId)).map((c) => c.rowId))];
    for (let at = 0; at < ids.length; at += EVIDENCE_READ_CHUNK) {
      for (const row of await evidenceModels[type](ids.slice(at, at + EVIDENCE_READ_CHUNK))) rows.set(`${type}:${row.id}`, row);
    }
  }
  for (const claim of claims) {
    const at = { eventId: claim.eventId.toString(), seq: Number(claim.seq) };
    if (claim.malformed) return { ...at, reason: "audit event names evidence it does not identify (malformed metadata)" };
    const row = rows.get(`${claim.type}:${claim.rowId}`);
    let actual: string | undefined;
    try {
      actual = row === undefined ? undefined : evidenceDigest(claim.type, row, claim.encoding);
    } catch {
      actual = "a row that no longer encodes"; // a column holding what ingest could never have written
    }
    if (actual === claim.digest) continue;
    return { ...at, reason: `evidence row ${claim.type} ${claim.rowId} ${actual === undefined ? "is missing" : "changed"}` };
  }
  return undefined;
}
