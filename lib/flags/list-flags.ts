// The project's flags, one row per flag and environment, ordered by key: search
// by key or description, filter by kind, state, staleness and pending approvals.
import "server-only";
import type { Actor } from "@/lib/auth/actor-types";
import { requireFlagAccess } from "@/lib/flags/flag-access";
import { listFlagsSchema, type ListFlagsInput } from "@/lib/flags/schemas";
import { readFlags, type FlagSummary } from "@/lib/flags/read-flags";

export async function listFlags(actor: Actor, projectId: string, filters: ListFlagsInput = {}): Promise<FlagSummary[]> {
  await requireFlagAccess(actor, projectId, "flag:read");
  const f = listFlagsSchema.parse(filters);
  const rows = await readFlags(projectId, { environmentId: f.environmentId, kind: f.kind, q: f.q || undefined });
  return rows.filter(
    (r) =>
      (f.state === undefined || r.state === f.state) &&
      (f.stale === undefined || (r.stale !== null) === f.stale) &&
      (f.pending === undefined || r.pendingApprovals > 0 === f.pending),
  );
}
