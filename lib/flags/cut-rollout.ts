// Cut: halves the rollout (rounding down), so the users who stay exposed are
// a subset of those exposed now (bucketing.ts). Repeated cuts reach 0.
import "server-only";
import { AppError } from "@/lib/errors";
import type { Actor } from "@/lib/auth/actor-types";
import type { MitigationInput } from "@/lib/flags/schemas";
import { applyMitigation } from "@/lib/flags/mitigate";
import type { ChangeResult } from "@/lib/flags/write-change";

export async function cutRollout(actor: Actor, projectId: string, input: MitigationInput): Promise<{ results: ChangeResult[] }> {
  return applyMitigation(actor, projectId, input, {
    name: "cut_rollout",
    narrow: (config, flag) => {
      if (flag.kind === "KILL_SWITCH") throw new AppError("CONFLICT", `"${flag.key}" is a kill switch: it has no rollout to cut; kill it instead`);
      return { ...config, rolloutBps: Math.floor(config.rolloutBps / 2) };
    },
  });
}
