// Signs the head of every chain that grew since its last checkpoint (run by
// the worker every minute). A checkpoint held elsewhere, or just its
// signature, makes truncating or rewriting a chain detectable even by
// someone who recomputes every hash.
import { Prisma } from "@/lib/generated/prisma/client.ts";
import { db } from "@/lib/db";
import { parseChainKey } from "@/lib/audit/chain";
import { chainHead, lockChain } from "@/lib/audit/chain-store";
import { signCheckpoint, signingKey } from "@/lib/audit/checkpoint-signature";

export async function createCheckpoints(): Promise<{ created: number }> {
  const key = signingKey();
  // Heads via a skip scan over (chain, seq): one index probe per chain.
  const due = await db().$queryRaw<{ chain: string }[]>`
    WITH RECURSIVE chains(chain) AS (
      (SELECT chain FROM "AuditSeal" ORDER BY chain LIMIT 1)
      UNION ALL
      SELECT (SELECT s.chain FROM "AuditSeal" s WHERE s.chain > chains.chain ORDER BY s.chain LIMIT 1)
      FROM chains WHERE chains.chain IS NOT NULL
    )
    SELECT c.chain FROM chains c
    CROSS JOIN LATERAL (SELECT s.seq FROM "AuditSeal" s WHERE s.chain = c.chain ORDER BY s.seq DESC LIMIT 1) head
    WHERE c.chain IS NOT NULL
      AND head.seq > COALESCE((SELECT max(cp.seq) FROM "AuditCheckpoint" cp WHERE cp.chain = c.chain), 0)`;

  let created = 0;
  for (const { chain } of due) {
    const made = await db().$transaction(
      async (tx) => {
        // Under the chain lock so that two workers do not sign the same head twice.
        await lockChain(tx, chain);
        const head = await chainHead(tx, chain);
        const last = await tx.auditCheckpoint.findFirst({
          where: { chain },
          orderBy: { seq: "desc" },
          select: { seq: true },
        });
        if (!head || (last && last.seq >= head.seq)) return false;
        const scope = parseChainKey(chain);
        await tx.auditCheckpoint.create({
          data: {
            chain,
            projectId: scope?.kind === "project" ? scope.projectId : null,
            seq: head.seq,
            headHash: head.hash,
            signature: new Uint8Array(signCheckpoint({ chain, seq: head.seq, headHash: head.hash }, key)),
            publicKey: key.publicKeyBase64,
          },
        });
        return true;
      },
      { isolationLevel: Prisma.TransactionIsolationLevel.ReadCommitted },
    );
    if (made) created++;
  }
  return { created };
}
