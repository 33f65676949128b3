// How a flag's current configuration reads in lists: on, off or partial, and
// whether it has gone stale (a cleanup candidate). Pure, for the console too.
import { FULL_ROLLOUT_BPS, type FlagConfig, type FlagKind, type FlagState } from "@/lib/flags/schemas";

export const STALE_AFTER_FULL_ROLLOUT_DAYS = 30;

export type StaleReason = "expired" | "fully_rolled_out";

export function stateOf(config: FlagConfig): FlagState {
  if (!config.enabled) return "off";
  return config.rolloutBps >= FULL_ROLLOUT_BPS && config.defaultVariant !== config.fallbackVariant ? "on" : "partial";
}

/**
 * A flag is stale past its expiry, or once it has served everyone, unchanged,
 * for 30 days (the code path behind it should lose the flag). Kill switches
 * are permanent by design and only go stale through an explicit expiry.
 */
export function staleReason(
  flag: { kind: FlagKind; expiresAt: Date | null },
  current: { config: FlagConfig; appliedAt: Date },
  now: Date,
): StaleReason | null {
  if (flag.expiresAt && flag.expiresAt.getTime() <= now.getTime()) return "expired";
  if (flag.kind === "KILL_SWITCH") return null;
  const fullFor = now.getTime() - current.appliedAt.getTime();
  return stateOf(current.config) === "on" && fullFor >= STALE_AFTER_FULL_ROLLOUT_DAYS * 86_400_000 ? "fully_rolled_out" : null;
}
