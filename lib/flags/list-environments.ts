// The project's environments as the flag console shows them: which are
// protected (widening there waits for a second person) and whether their
// kill switch is on, why and since when.
import "server-only";
import { db } from "@/lib/db";
import type { Actor } from "@/lib/auth/actor-types";
import { requireFlagAccess } from "@/lib/flags/flag-access";

export type FlagEnvironment = {
  id: string;
  key: string;
  name: string;
  protected: boolean;
  killSwitchOn: boolean;
  killSwitchReason: string | null;
  killSwitchAt: Date | null;
  /** A waiting request to lift the kill switch of a protected environment. */
  offRequest: { byId: string; by: string; at: Date; reason: string | null } | null;
};

export async function listFlagEnvironments(actor: Actor, projectId: string): Promise<FlagEnvironment[]> {
  await requireFlagAccess(actor, projectId, "flag:read");
  const rows = await db().environment.findMany({
    where: { projectId },
    orderBy: { createdAt: "asc" },
    select: {
      id: true,
      key: true,
      name: true,
      protected: true,
      killSwitchOn: true,
      killSwitchReason: true,
      killSwitchAt: true,
      killSwitchOffRequestedById: true,
      killSwitchOffRequestedAt: true,
      killSwitchOffRequestReason: true,
    },
  });
  const requesterIds = [...new Set(rows.flatMap((r) => (r.killSwitchOffRequestedById ? [r.killSwitchOffRequestedById] : [])))];
  const requesters = new Map(
    requesterIds.length ? (await db().user.findMany({ where: { id: { in: requesterIds } }, select: { id: true, email: true } })).map((u) => [u.id, u.email]) : [],
  );
  return rows.map(({ killSwitchOffRequestedById: byId, killSwitchOffRequestedAt: at, killSwitchOffRequestReason: reason, ...env }) => ({
    ...env,
    offRequest: byId && at ? { byId, by: requesters.get(byId) ?? "a former member", at, reason } : null,
  }));
}
