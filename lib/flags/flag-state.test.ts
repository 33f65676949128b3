import { describe, expect, it } from "vitest";
import { staleReason, stateOf } from "@/lib/flags/flag-state";
import { flagConfigSchema } from "@/lib/flags/schemas";

const DAY = 86_400_000;
const now = new Date("2026-11-21T12:00:00Z");
const ago = (days: number) => new Date(now.getTime() - days * DAY);
const full = flagConfigSchema.parse({ enabled: true, rolloutBps: 10_000 });
const half = flagConfigSchema.parse({ enabled: true, rolloutBps: 5000 });

describe("flag state", () => {
  it("reads on, off or partial", () => {
    expect(stateOf(full)).toBe("on");
    expect(stateOf(half)).toBe("partial");
    expect(stateOf({ ...full, enabled: false })).toBe("off");
  });
});

describe("staleness", () => {
  const release = { kind: "RELEASE" as const, expiresAt: null };

  it("is stale past its expiry", () => {
    expect(staleReason({ ...release, expiresAt: ago(1) }, { config: half, appliedAt: ago(1) }, now)).toBe("expired");
    expect(staleReason({ ...release, expiresAt: ago(-1) }, { config: half, appliedAt: ago(1) }, now)).toBeNull();
  });

  it("is stale after 30 days unchanged at 100 %", () => {
    expect(staleReason(release, { config: full, appliedAt: ago(30) }, now)).toBe("fully_rolled_out");
    expect(staleReason(release, { config: full, appliedAt: ago(29) }, now)).toBeNull();
    expect(staleReason(release, { config: half, appliedAt: ago(90) }, now)).toBeNull();
  });

  it("never calls a kill switch stale for being on", () => {
    expect(staleReason({ kind: "KILL_SWITCH", expiresAt: null }, { config: full, appliedAt: ago(365) }, now)).toBeNull();
  });
});
