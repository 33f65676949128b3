import { describe, expect, it } from "vitest";
import { evaluateFlag, type EvaluationSnapshot, type SnapshotFlag } from "@/lib/flags/evaluate";
import { bucketOf } from "@/lib/flags/bucketing";
import { flagConfigSchema, type FlagConfigInput, type FlagKind } from "@/lib/flags/schemas";
import { weldedFlags } from "@/lib/flags/welded";

const flag = (key: string, config: Partial<FlagConfigInput>, kind: FlagKind = "RELEASE"): SnapshotFlag => ({
  key,
  kind,
  version: 3,
  salt: `salt-${key}`,
  config: flagConfigSchema.parse({ enabled: true, rolloutBps: 10_000, ...config }),
});

const snapshot = (flags: SnapshotFlag[], environmentKillSwitchOn = false): EvaluationSnapshot => ({
  environmentKillSwitchOn,
  flags: Object.fromEntries(flags.map((f) => [f.key, f])),
});

const WELDED = weldedFlags[0]!.key;

const tiers = {
  variants: { small: { model: "gpt-4.1-mini" }, large: { model: "gpt-4.1" }, none: null },
  defaultVariant: "large",
  fallbackVariant: "small",
};

describe("evaluation order", () => {
  // One flag that every step would decide differently, with the steps switched off one by one.
  const everything = (over: Partial<FlagConfigInput> = {}) =>
    flag("assistant", {
      rolloutBps: 5000,
      rules: [{ id: "beta", conditions: [{ attribute: "segment", op: "in", values: ["beta"] }], variant: "on" }],
      prerequisites: [{ flagKey: "base", state: "on" }],
      ...over,
    });
  const ctx = { targetingKey: "user-1", segment: "beta" };

  it("welded comes first: even a fully enabled stored flag serves its fallback", () => {
    const s = snapshot([flag(WELDED, {})]);
    expect(evaluateFlag(s, WELDED, { targetingKey: "u" })).toMatchObject({ value: false, variant: "off", reason: "DISABLED", decidedBy: "welded" });
    // …and without a stored flag there is no client default to fall back to.
    expect(evaluateFlag(snapshot([]), WELDED, {})).toMatchObject({ value: false, reason: "DISABLED", decidedBy: "welded" });
  });

  it("then a missing flag: FLAG_NOT_FOUND, no value", () => {
    expect(evaluateFlag(snapshot([]), "nope", ctx)).toEqual({ key: "nope", value: null, variant: null, reason: "ERROR", errorCode: "FLAG_NOT_FOUND", decidedBy: "not_found" });
    // Object prototype names are not flags.
    expect(evaluateFlag(snapshot([]), "constructor", ctx).errorCode).toBe("FLAG_NOT_FOUND");
  });

  it("then the environment kill switch", () => {
    const s = snapshot([everything(), flag("base", {})], true);
    expect(evaluateFlag(s, "assistant", ctx)).toMatchObject({ value: false, reason: "DISABLED", decidedBy: "environment_kill_switch", version: 3 });
  });

  it("then the flag's own enabled state", () => {
    const s = snapshot([everything({ enabled: false }), flag("base", {})]);
    expect(evaluateFlag(s, "assistant", ctx)).toMatchObject({ value: false, reason: "DISABLED", decidedBy: "flag_disabled" });
  });

  it("then prerequisites, before any rule", () => {
    const s = snapshot([everything(), flag("base", { enabled: false })]);
    expect(evaluateFlag(s, "assistant", ctx)).toMatchObject({ value: false, reason: "DEFAULT", decidedBy: "prerequisite" });
  });

  it("then targeting rules, before the rollout", () => {
    const s = snapshot([everything({ rolloutBps: 0 }), flag("base", {})]);
    expect(evaluateFlag(s, "assistant", ctx)).toMatchObject({ value: true, variant: "on", reason: "TARGETING_MATCH", decidedBy: "rule", ruleId: "beta" });
  });

  it("then the rollout", () => {
    const s = snapshot([everything(), flag("base", {})]);
    const result = evaluateFlag(s, "assistant", { targetingKey: "user-1", segment: "ga" });
    const inside = bucketOf("salt-assistant", "user-1") < 5000;
    expect(result).toMatchObject({ value: inside, reason: "SPLIT", decidedBy: "rollout" });
  });
});

describe("rollout", () => {
  it("is STATIC at 100 % with nothing dynamic configured, DEFAULT when rules exist", () => {
    expect(evaluateFlag(snapshot([flag("f", {})]), "f", {})).toMatchObject({ value: true, reason: "STATIC" });
    const ruled = flag("f", { rules: [{ id: "r", conditions: [{ attribute: "region", op: "in", values: ["eu"] }], variant: "off" }] });
    expect(evaluateFlag(snapshot([ruled]), "f", { region: "us" })).toMatchObject({ value: true, reason: "DEFAULT" });
  });

  it("serves the fallback at 0 % without needing a targeting key", () => {
    expect(evaluateFlag(snapshot([flag("f", { rolloutBps: 0 })]), "f", {})).toMatchObject({ value: false, reason: "DEFAULT" });
  });

  it("leaves a context without targeting key out of a partial rollout, with TARGETING_KEY_MISSING", () => {
    const s = snapshot([flag("f", { rolloutBps: 9999 })]);
    for (const context of [{}, { targetingKey: "" }, { targetingKey: 42 }]) {
      expect(evaluateFlag(s, "f", context)).toMatchObject({ value: false, variant: "off", reason: "ERROR", errorCode: "TARGETING_KEY_MISSING" });
    }
  });

  it("splits by bucket < rolloutBps", () => {
    const s = snapshot([flag("f", { rolloutBps: 3000 })]);
    for (let i = 0; i < 200; i++) {
      const key = `k${i}`;
      expect(evaluateFlag(s, "f", { targetingKey: key }).value).toBe(bucketOf("salt-f", key) < 3000);
    }
  });

  it("serves multivariate default and fallback variants with their JSON values", () => {
    const s = snapshot([flag("tier", { ...tiers, rolloutBps: 10_000 }, "MULTIVARIATE"), flag("off-tier", { ...tiers, enabled: false }, "MULTIVARIATE")]);
    expect(evaluateFlag(s, "tier", {})).toMatchObject({ variant: "large", value: { model: "gpt-4.1" } });
    expect(evaluateFlag(s, "off-tier", {})).toMatchObject({ variant: "small", value: { model: "gpt-4.1-mini" } });
  });
});

describe("targeting rules", () => {
  const rules = [
    { id: "deny-ios", conditions: [{ attribute: "platform" as const, op: "in" as const, values: ["ios"] }], variant: "off" },
    { id: "allowlist", conditions: [{ attribute: "targetingKey" as const, op: "in" as const, values: ["vip-1", "vip-2"] }], variant: "on" },
    {
      id: "eu-capable",
      conditions: [
        { attribute: "region" as const, op: "in" as const, values: ["eu-west", "eu-central"] },
        { attribute: "capability" as const, op: "in" as const, values: ["tools"] },
      ],
      variant: "on",
    },
    { id: "not-low-end", conditions: [{ attribute: "deviceClass" as const, op: "not_in" as const, values: ["low"] }], variant: "on" },
  ];
  const s = snapshot([flag("f", { rolloutBps: 0, rules })]);
  const ruleOf = (context: Record<string, unknown>) => evaluateFlag(s, "f", context).ruleId ?? null;

  it("takes the first rule whose conditions all match", () => {
    expect(ruleOf({ targetingKey: "vip-1", platform: "ios" })).toBe("deny-ios");
    expect(evaluateFlag(s, "f", { targetingKey: "vip-1", platform: "ios" }).value).toBe(false);
    expect(ruleOf({ targetingKey: "vip-2", platform: "web" })).toBe("allowlist");
    expect(ruleOf({ region: "eu-west", capability: ["vision", "tools"] })).toBe("eu-capable");
    expect(ruleOf({ region: "eu-west", capability: ["vision"] })).toBeNull();
  });

  it("matches neither in nor not_in when the attribute is missing", () => {
    expect(ruleOf({ deviceClass: "high" })).toBe("not-low-end");
    expect(ruleOf({ deviceClass: "low" })).toBeNull();
    expect(ruleOf({})).toBeNull();
    expect(ruleOf({ deviceClass: 7 })).toBeNull();
  });
});

describe("prerequisites", () => {
  it("requires the other flag on or off as stated", () => {
    const needsOff = flag("f", { prerequisites: [{ flagKey: "legacy", state: "off" }] });
    expect(evaluateFlag(snapshot([needsOff, flag("legacy", { enabled: false })]), "f", {}).value).toBe(true);
    expect(evaluateFlag(snapshot([needsOff, flag("legacy", {})]), "f", {}).value).toBe(false);
  });

  it("evaluates the prerequisite for the same context (its rollout included)", () => {
    const s = snapshot([flag("f", { prerequisites: [{ flagKey: "base", state: "on" }] }), flag("base", { rolloutBps: 5000 })]);
    for (let i = 0; i < 50; i++) {
      const key = `u${i}`;
      expect(evaluateFlag(s, "f", { targetingKey: key }).value).toBe(bucketOf("salt-base", key) < 5000);
    }
  });

  it("treats missing, cyclic and welded prerequisites as not on", () => {
    const missing = flag("f", { prerequisites: [{ flagKey: "ghost", state: "off" }] });
    expect(evaluateFlag(snapshot([missing]), "f", {})).toMatchObject({ value: false, decidedBy: "prerequisite" });
    const a = flag("a", { prerequisites: [{ flagKey: "b", state: "on" }] });
    const b = flag("b", { prerequisites: [{ flagKey: "a", state: "on" }] });
    expect(evaluateFlag(snapshot([a, b]), "a", {})).toMatchObject({ value: false, decidedBy: "prerequisite" });
    const onWelded = flag("f", { prerequisites: [{ flagKey: WELDED, state: "on" }] });
    expect(evaluateFlag(snapshot([onWelded, flag(WELDED, {})]), "f", {}).value).toBe(false);
    const offWelded = flag("f", { prerequisites: [{ flagKey: WELDED, state: "off" }] });
    expect(evaluateFlag(snapshot([offWelded]), "f", {}).value).toBe(true);
  });
});
