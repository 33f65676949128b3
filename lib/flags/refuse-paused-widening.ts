// While a flag's widening is paused (pause-widening.ts), every change that
// could expose more people is refused, whoever makes it.
import { AppError } from "@/lib/errors";
import type { ChangeDirection } from "@/lib/flags/classify-change";

/** The refusal of a widening change while the flag's widening is paused. */
export function refusePausedWidening(flag: { key: string; widenPausedAt: Date | null; widenPausedReason: string | null }, direction: ChangeDirection): void {
  if (direction !== "widening" || !flag.widenPausedAt) return;
  throw new AppError("CONFLICT", `Widening "${flag.key}" is paused since ${flag.widenPausedAt.toISOString()} (${flag.widenPausedReason ?? "no reason given"}); a lead must lift the pause first`, {
    flagKey: flag.key,
    widenPausedAt: flag.widenPausedAt.toISOString(),
  });
}
