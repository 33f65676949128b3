import "server-only";
import { db } from "@/lib/db";
import { requirePermission } from "@/lib/auth/access";
import type { Actor } from "@/lib/auth/actor-types";

/** Newest first, keyset-paginated by id so it stays fast on long histories. */
export async function listAuditEvents(actor: Actor, projectId: string, opts: { before?: bigint; limit?: number } = {}) {
  await requirePermission(actor, projectId, "audit:read");
  const limit = Math.min(opts.limit ?? 50, 200);
  const rows = await db().auditEvent.findMany({
    where: { projectId, ...(opts.before ? { id: { lt: opts.before } } : {}) },
    orderBy: { id: "desc" },
    take: limit + 1,
  });
  return { events: rows.slice(0, limit), nextBefore: rows.length > limit ? rows[limit - 1]!.id : null };
}
