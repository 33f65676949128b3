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
};

export async function listFlagEnvironments(actor: Actor, projectId: string): Promise<FlagEnvironment[]> {
  await requireFlagAccess(actor, projectId, "flag:read");
  return db().environment.findMany({
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
    },
  });
}
