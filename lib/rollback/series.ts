// A counter series is one flag's exposure as interactions reported it: the
// environment, flag key, flag version and the variant served (from the
// interaction's flag snapshot). Pure, no I/O.
import type { FlagConfig } from "@/lib/flags/schemas";

export type SnapshotEntry = { value: unknown; variant?: string; version?: number };

export type Series = { environmentId: string; flagKey: string; version: number; variant: string };

/**
 * What was served: the variant when the client named it, on/off for a bare
 * boolean, otherwise the value itself ("=" + JSON), matched against the
 * flag's variants when the rule is evaluated.
 */
export function variantTag(entry: SnapshotEntry): string {
  if (typeof entry.variant === "string" && entry.variant.length > 0) return entry.variant;
  if (entry.value === true) return "on";
  if (entry.value === false) return "off";
  return `=${JSON.stringify(entry.value ?? null)}`;
}

/** JSON, so that keys and variants may hold any character (a bucket field splits at its last "|", after the series id). */
export function seriesId(s: Series): string {
  return JSON.stringify([s.environmentId, s.flagKey, s.version, s.variant]);
}

export function parseSeriesId(id: string): Series | null {
  try {
    const v: unknown = JSON.parse(id);
    if (!Array.isArray(v) || v.length !== 4) return null;
    const [environmentId, flagKey, version, variant] = v as unknown[];
    if (typeof environmentId !== "string" || typeof flagKey !== "string" || typeof version !== "number" || typeof variant !== "string") return null;
    return { environmentId, flagKey, version, variant };
  } catch {
    return null;
  }
}

/** The series an interaction's flag snapshot feeds. */
export function seriesOfSnapshot(environmentId: string, flagState: unknown): string[] {
  if (!flagState || typeof flagState !== "object" || Array.isArray(flagState)) return [];
  return Object.entries(flagState as Record<string, SnapshotEntry | null>).flatMap(([flagKey, entry]) =>
    entry && typeof entry === "object"
      ? [seriesId({ environmentId, flagKey, version: typeof entry.version === "number" ? entry.version : 0, variant: variantTag(entry) })]
      : [],
  );
}

/** Whether a series' responses were exposed to the feature: served anything but the flag's fallback. */
export function isExposed(variant: string, config: Pick<FlagConfig, "fallbackVariant" | "variants">): boolean {
  if (variant.startsWith("=")) {
    const fallback = config.variants[config.fallbackVariant];
    return variant.slice(1) !== JSON.stringify(fallback ?? null);
  }
  return variant !== config.fallbackVariant;
}
