// Reviewer-confirmed harm feeds the harmful-output rate too: when a review
// settles an item as HARMFUL and no classifier had flagged that response (a
// user report, a blind sample), the response counts as harmful once, at the
// time it was served, for the flags of its snapshot — exactly as a harmful
// verdict would have. A response a classifier already flagged is counted
// already, so it is not counted twice.
import "server-only";
import { pgPool } from "@/lib/db";
import { applySamples } from "@/lib/rollback/record-counters";
import { requestEvaluation } from "@/lib/rollback/request-evaluation";
import type { Sample } from "@/lib/rollback/increments";

const UNFLAGGED_INTERACTION_SQL = `
SELECT i."environmentId"::text AS "environmentId", i."flagState", LEAST(i."occurredAt", i."receivedAt") AS at
  FROM "TriageItem" t
  JOIN "Interaction" i ON i."projectId" = t."projectId" AND i."requestId" = t."requestId"
 WHERE t.id = $1::uuid AND t."projectId" = $2::uuid
   AND NOT EXISTS (SELECT 1 FROM "Verdict" v WHERE v."projectId" = i."projectId" AND v."requestId" = i."requestId" AND v.decision <> 'PASS')`;

/**
 * Counts a confirmed-harmful item's response (once per item, whatever later
 * reviews say). Never throws: the label is committed; a Redis outage only
 * leaves this response out of the window.
 */
export async function countConfirmedHarm(projectId: string, itemId: string): Promise<boolean> {
  try {
    const { rows } = await pgPool().query<{ environmentId: string; flagState: unknown; at: Date }>(UNFLAGGED_INTERACTION_SQL, [itemId, projectId]);
    if (rows.length === 0) return false;
    const samples: Sample[] = rows.map((r) => ({ kind: "harmful", environmentId: r.environmentId, flagState: r.flagState, at: r.at, latencyMs: null, costMicros: null }));
    const { counted, hot } = await applySamples(projectId, `label:${itemId}`, samples);
    if (hot) await requestEvaluation(projectId);
    return counted;
  } catch (err) {
    console.warn(`[rollback] counting a confirmed-harmful label failed: ${(err as Error).message}`);
    return false;
  }
}
