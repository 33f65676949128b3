// The flags a triage item's interaction was evaluated with, as they are now in
// its environment: what the review console's "mitigate" panel shows next to
// the snapshot, and what the actor may do about them. Unknown keys are left out.
import "server-only";
import { db } from "@/lib/db";
import { notFound } from "@/lib/errors";
import type { Actor } from "@/lib/auth/actor-types";
import { requireFlagAccess, requireUuid } from "@/lib/flags/flag-access";
import { flagKeySchema } from "@/lib/flags/schemas";
import { readFlags, type FlagSummary } from "@/lib/flags/read-flags";

const MAX_KEYS = 200;

export type FlagsByKeys = {
  environment: { id: string; key: string; name: string; protected: boolean; killSwitchOn: boolean };
  flags: FlagSummary[];
  /** What the actor may do: narrow (kill, cut, environment kill switch on) or widen as well. */
  may: { narrow: boolean; widen: boolean; approve: boolean };
};

export async function findFlagsByKeys(actor: Actor, projectId: string, environmentId: string, keys: readonly string[]): Promise<FlagsByKeys> {
  const access = await requireFlagAccess(actor, projectId, "flag:read");
  requireUuid(environmentId, "Environment");
  const environment = await db().environment.findFirst({
    where: { id: environmentId, projectId },
    select: { id: true, key: true, name: true, protected: true, killSwitchOn: true },
  });
  if (!environment) throw notFound("Environment not found");
  // Keys come from client-sent snapshots: anything that cannot be a flag key is simply not a flag.
  const wanted = [...new Set(keys)].filter((k) => flagKeySchema.safeParse(k).success).slice(0, MAX_KEYS);
  const flags = wanted.length === 0 ? [] : await readFlags(projectId, { environmentId, keys: wanted });
  const order = new Map(wanted.map((k, i) => [k, i]));
  flags.sort((a, b) => order.get(a.key)! - order.get(b.key)!);
  return { environment, flags, may: { narrow: access.mayNarrow, widen: access.mayWiden, approve: access.mayApprove } };
}
