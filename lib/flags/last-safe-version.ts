// The "last safe" configuration of a flag: the one in effect before its most
// recent widening. Applied versions are applied in version order (an approval
// is refused once the flag has moved on), so walking them backwards from the
// current one finds the latest widening, and its base version is what was
// live just before it. Pure, no I/O.
import type { ChangeDirection } from "@/lib/flags/classify-change";

export type VersionStep = { version: number; status: "APPLIED" | "PENDING_APPROVAL" | "REJECTED"; diff: unknown };

/**
 * `{ toVersion }` to restore, `{ disable: true }` when the widening was the
 * flag's creation (nobody was exposed before it), or null when the flag was
 * never widened.
 */
export function lastSafeVersion(versions: readonly VersionStep[], currentVersion: number): { toVersion: number } | { disable: true } | null {
  const applied = versions.filter((v) => v.status === "APPLIED" && v.version <= currentVersion).sort((a, b) => b.version - a.version);
  for (const v of applied) {
    const diff = v.diff as { direction?: ChangeDirection; baseVersion?: number } | null;
    if (diff?.direction !== "widening") continue;
    const base = typeof diff.baseVersion === "number" ? diff.baseVersion : v.version - 1;
    return base >= 1 ? { toVersion: base } : { disable: true };
  }
  return null;
}
