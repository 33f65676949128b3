// What a configuration change will do to a flag's audience, told before it is
// made: the share of traffic exposed before and after, who is newly exposed or
// no longer exposed, and whether it applies at once or waits for a second
// person. Pure and client-safe, so the console's confirmation says what the
// services (write-change.ts) will then decide.
import { classifyChange, exposureBpsOf, type ChangeDirection } from "@/lib/flags/classify-change";
import type { FlagConfig } from "@/lib/flags/schemas";

export type ChangeOutcome = "applies" | "needs_approval" | "not_allowed" | "unchanged";

export type ChangeImpact = {
  direction: ChangeDirection;
  outcome: ChangeOutcome;
  /** Share of traffic served a non-fallback variant by the rollout, in basis points. */
  beforeBps: number;
  afterBps: number;
  /** Basis points of traffic that start being exposed. */
  newlyExposedBps: number;
  /** Basis points of traffic that stop being exposed. */
  noLongerExposedBps: number;
  /**
   * Everyone exposed after the change was exposed before (bucketing keeps a
   * subset when a rollout is lowered), so nobody meets the feature for the
   * first time.
   */
  subsetOfBefore: boolean;
  /** Targeting rules serve their audience whatever the rollout: their reach is not in these figures. */
  rulesUnaccounted: boolean;
};

export function changeImpact(
  before: FlagConfig,
  after: FlagConfig,
  where: { protected: boolean },
  may: { widen: boolean },
): ChangeImpact {
  const { direction } = classifyChange(before, after);
  const beforeBps = exposureBpsOf(before);
  const afterBps = exposureBpsOf(after);
  // Same salt, same buckets: exposure is `bucket < rolloutBps`, so the exposed sets nest.
  const sameAudienceKind =
    before.defaultVariant === after.defaultVariant && before.fallbackVariant === after.fallbackVariant;
  const outcome: ChangeOutcome =
    direction === "unchanged"
      ? "unchanged"
      : direction !== "narrowing" && !may.widen
        ? "not_allowed"
        : direction === "widening" && where.protected
          ? "needs_approval"
          : "applies";
  return {
    direction,
    outcome,
    beforeBps,
    afterBps,
    newlyExposedBps: Math.max(0, afterBps - beforeBps),
    noLongerExposedBps: Math.max(0, beforeBps - afterBps),
    subsetOfBefore: sameAudienceKind && afterBps <= beforeBps,
    rulesUnaccounted: before.rules.length > 0 || after.rules.length > 0,
  };
}
