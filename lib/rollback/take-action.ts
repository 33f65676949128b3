// A rule's graded action, taken through the flag services like any person's
// mitigation: the rule is the (system) actor, its judgement the reason, and
// the services' own checks hold (automation only narrows). A refusal (the
// flag moved on, the last safe version would widen, a kill switch has no
// rollout) is an outcome to report, not a failure to retry.
import "server-only";
import { db } from "@/lib/db";
import { isAppError } from "@/lib/errors";
import type { SystemActor } from "@/lib/auth/actor-types";
import { cutRollout } from "@/lib/flags/cut-rollout";
import { restoreLastSafeVersion } from "@/lib/flags/restore-last-safe-version";
import { pauseFlagWidening } from "@/lib/flags/pause-widening";
import { setEnvironmentKillSwitch } from "@/lib/flags/set-environment-kill-switch";
import type { ChangeResult } from "@/lib/flags/write-change";
import type { RollbackAction } from "@/lib/rollback/judge";

export type ActionTarget = { projectId: string; flagId: string; flagKey: string; environmentId: string; environmentKey: string; version: number };

export type ActionOutcome = {
  /** The flag or its environment changed. */
  changed: boolean;
  /** Exposure was cut and the change is in effect (committed and published). */
  mitigatedAt: Date | null;
  flagVersionId: string | null;
  version: number | null;
  description: string;
};

const pct = (bps: number) => `${(bps / 100).toFixed(2).replace(/\.?0+$/, "")} %`;

export const ruleSystemActor = (ruleName: string): SystemActor => ({ kind: "system", label: `rollback rule: ${ruleName}` });

export async function takeAction(action: RollbackAction, actor: SystemActor, target: ActionTarget, reason: string, exposureBefore: number): Promise<ActionOutcome> {
  try {
    switch (action) {
      case "HALVE": {
        const { results } = await cutRollout(actor, target.projectId, { flagKey: target.flagKey, environmentId: target.environmentId, reason });
        return versionOutcome(target, results[0], (r) => `Rollout halved: ${pct(exposureBefore)} → ${pct(r.exposureBps)} exposed (version ${r.version})`);
      }
      case "LAST_SAFE": {
        const r = await restoreLastSafeVersion(actor, target.projectId, { flagId: target.flagId, reason, expectedVersion: target.version });
        return versionOutcome(target, r, (c) =>
          r.restoredVersion === null
            ? `Disabled: the flag was widened when it was created (version ${c.version})`
            : `Restored the last safe version ${r.restoredVersion}: ${pct(exposureBefore)} → ${pct(c.exposureBps)} exposed (version ${c.version})`,
        );
      }
      case "PAUSE": {
        const r = await pauseFlagWidening(actor, target.projectId, { flagId: target.flagId, reason });
        return {
          changed: r.status === "APPLIED",
          mitigatedAt: null,
          flagVersionId: null,
          version: null,
          description: r.status === "APPLIED" ? `Widening of ${target.flagKey} paused` : `Widening of ${target.flagKey} was already paused`,
        };
      }
      case "GLOBAL_KILL": {
        const r = await setEnvironmentKillSwitch(actor, target.projectId, { environmentId: target.environmentId, on: true, reason });
        const applied = r.status === "APPLIED";
        return {
          changed: applied,
          mitigatedAt: applied ? new Date() : null,
          flagVersionId: null,
          version: null,
          description: applied ? `Kill switch of ${target.environmentKey} turned on: every flag there serves its fallback` : `Kill switch of ${target.environmentKey} was already on`,
        };
      }
    }
  } catch (err) {
    if (!isAppError(err)) throw err;
    return { changed: false, mitigatedAt: null, flagVersionId: null, version: null, description: `Automation could not act (${err.code}): ${err.message}` };
  }
}

async function versionOutcome(target: ActionTarget, result: ChangeResult | undefined, describe: (r: ChangeResult) => string): Promise<ActionOutcome> {
  if (!result || result.status === "UNCHANGED" || result.version === null) {
    return { changed: false, mitigatedAt: null, flagVersionId: null, version: null, description: `Nothing left to narrow on ${target.flagKey}` };
  }
  const mitigatedAt = new Date();
  const row = await db().flagVersion.findUnique({ where: { flagId_version: { flagId: result.flagId, version: result.version } }, select: { id: true } });
  return { changed: true, mitigatedAt, flagVersionId: row?.id ?? null, version: result.version, description: describe(result) };
}
