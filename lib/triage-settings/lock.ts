// One transaction-scoped lock per project for changes to its triage settings, so
// concurrent admins queue up instead of interleaving (a move with a delete, two
// first saves of the same SLA policy) and each audit event's "before" is true.
import "server-only";
import type { Tx } from "@/lib/db";

export async function lockTriageSettings(tx: Tx, projectId: string): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`rampart:triage-settings:${projectId}`}, 0))`;
}
