import { describe, expect, it } from "vitest";
import { classifyChange, exposureBpsOf, stableJson } from "@/lib/flags/classify-change";
import { evaluateFlag } from "@/lib/flags/evaluate";
import { flagConfigSchema, type FlagConfig, type FlagConfigInput, type Rule } from "@/lib/flags/schemas";

const cfg = (over: Partial<FlagConfigInput> = {}): FlagConfig => flagConfigSchema.parse({ enabled: true, rolloutBps: 2000, ...over });
const direction = (before: FlagConfig, after: FlagConfig) => classifyChange(before, after).direction;

const allow = (values: string[], id = "allow"): Rule => ({ id, conditions: [{ attribute: "targetingKey", op: "in", values }], variant: "on" });
const deny = (values: string[], id = "deny"): Rule => ({ id, conditions: [{ attribute: "platform", op: "in", values }], variant: "off" });

const tiers = {
  variants: { small: "mini", large: "4.1", huge: "o3" },
  defaultVariant: "large",
  fallbackVariant: "small",
};

describe("narrowing vs widening", () => {
  it.each([
    ["enable", cfg({ enabled: false }), cfg(), "widening"],
    ["kill", cfg(), cfg({ enabled: false }), "narrowing"],
    ["raise the percentage", cfg(), cfg({ rolloutBps: 5000 }), "widening"],
    ["cut the percentage", cfg(), cfg({ rolloutBps: 1000 }), "narrowing"],
    ["pause (0 %)", cfg(), cfg({ rolloutBps: 0 }), "narrowing"],
    ["nothing", cfg(), cfg(), "unchanged"],
    ["add a user to an allowlist", cfg({ rules: [allow(["a"])] }), cfg({ rules: [allow(["a", "b"])] }), "widening"],
    ["take a user off an allowlist", cfg({ rules: [allow(["a", "b"])] }), cfg({ rules: [allow(["a"])] }), "narrowing"],
    ["add an allowlist", cfg(), cfg({ rules: [allow(["a"])] }), "widening"],
    ["drop an allowlist (boolean flag)", cfg({ rules: [allow(["a"])] }), cfg(), "narrowing"],
    ["add a deny rule", cfg(), cfg({ rules: [deny(["ios"])] }), "narrowing"],
    ["drop a deny rule", cfg({ rules: [deny(["ios"])] }), cfg(), "widening"],
    ["deny more platforms", cfg({ rules: [deny(["ios"])] }), cfg({ rules: [deny(["ios", "android"])] }), "narrowing"],
    ["deny fewer platforms", cfg({ rules: [deny(["ios", "android"])] }), cfg({ rules: [deny(["ios"])] }), "widening"],
    ["turn an allow rule into a deny rule", cfg({ rules: [allow(["a"], "r")] }), cfg({ rules: [{ ...allow(["a"], "r"), variant: "off" }] }), "narrowing"],
    [
      "add a condition to an allow rule",
      cfg({ rules: [allow(["a"])] }),
      cfg({ rules: [{ ...allow(["a"]), conditions: [...allow(["a"]).conditions, { attribute: "region", op: "in", values: ["eu"] }] }] }),
      "narrowing",
    ],
    [
      "swap rules round",
      cfg({ rules: [deny(["ios"]), allow(["a"])] }),
      cfg({ rules: [allow(["a"]), deny(["ios"])] }),
      "widening",
    ],
    ["add a prerequisite", cfg(), cfg({ prerequisites: [{ flagKey: "base", state: "on" }] }), "narrowing"],
    ["drop a prerequisite", cfg({ prerequisites: [{ flagKey: "base", state: "on" }] }), cfg(), "widening"],
    ["flip a prerequisite", cfg({ prerequisites: [{ flagKey: "base", state: "on" }] }), cfg({ prerequisites: [{ flagKey: "base", state: "off" }] }), "widening"],
    ["kill and raise at once", cfg(), cfg({ enabled: false, rolloutBps: 9000 }), "widening"],
    ["edit a rule's description only", cfg({ rules: [allow(["a"])] }), cfg({ rules: [{ ...allow(["a"]), description: "VIPs" }] }), "neutral"],
    ["reorder an allowlist", cfg({ rules: [allow(["a", "b"])] }), cfg({ rules: [allow(["b", "a"])] }), "neutral"],
  ])("%s", (_name, before, after, expected) => {
    expect(direction(before as FlagConfig, after as FlagConfig)).toBe(expected);
  });

  describe("multivariate", () => {
    it("widens when a served variant's value changes, not when an unused one is added", () => {
      const before = cfg(tiers);
      expect(direction(before, cfg({ ...tiers, variants: { ...tiers.variants, large: "4.5" } }))).toBe("widening");
      expect(direction(before, cfg({ ...tiers, variants: { ...tiers.variants, extra: "x" } }))).toBe("neutral");
    });

    it("narrows when the default becomes the fallback, widens when it moves to another variant", () => {
      expect(direction(cfg(tiers), cfg({ ...tiers, defaultVariant: "small" }))).toBe("narrowing");
      expect(direction(cfg(tiers), cfg({ ...tiers, defaultVariant: "huge" }))).toBe("widening");
      expect(direction(cfg(tiers), cfg({ ...tiers, fallbackVariant: "large" }))).toBe("widening");
    });

    it("widens when a dropped rule's users can fall through to a different variant", () => {
      const hugeRule: Rule = { id: "vip", conditions: [{ attribute: "segment", op: "in", values: ["vip"] }], variant: "huge" };
      // They would move from "huge" to the default "large": a change of model, not a step back to the fallback.
      expect(direction(cfg({ ...tiers, rules: [hugeRule] }), cfg(tiers))).toBe("widening");
      // With no rollout, they can only land on the fallback.
      expect(direction(cfg({ ...tiers, rolloutBps: 0, rules: [hugeRule] }), cfg({ ...tiers, rolloutBps: 0 }))).toBe("narrowing");
    });
  });

  it("lists each changed part with its own effect", () => {
    const { changes } = classifyChange(cfg({ rules: [allow(["a"])] }), cfg({ rolloutBps: 1000, rules: [allow(["a", "b"])] }));
    expect(changes.map((c) => [c.path, c.effect])).toEqual([
      ["rolloutBps", "narrowing"],
      ["rules.allow", "widening"],
    ]);
  });
});

describe("exposure", () => {
  it("is the rollout of an enabled flag, else nothing", () => {
    expect(exposureBpsOf(cfg({ rolloutBps: 2500 }))).toBe(2500);
    expect(exposureBpsOf(cfg({ enabled: false }))).toBe(0);
    expect(exposureBpsOf(cfg({ ...tiers, defaultVariant: "small" }))).toBe(0);
  });
});

describe("stableJson", () => {
  it("ignores key order but not array order", () => {
    expect(stableJson({ a: 1, b: { c: 2, d: 3 } })).toBe(stableJson({ b: { d: 3, c: 2 }, a: 1 }));
    expect(stableJson([1, 2])).not.toBe(stableJson([2, 1]));
  });
});

describe("soundness against evaluation (property-style)", () => {
  // Deterministic PRNG so that a failure can be replayed.
  let seed = 20261121;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const some = <T,>(xs: readonly T[]): T[] => {
    const out = xs.filter(() => rand() < 0.5);
    return out.length > 0 ? out : [pick(xs)];
  };

  const variantKeys = ["a", "b", "c"] as const;
  const attributes = ["targetingKey", "platform", "region"] as const;
  const pools = { targetingKey: ["u1", "u2", "u3", "u4"], platform: ["ios", "web"], region: ["eu", "us"] };
  const randomRule = (id: string): Rule => ({
    id,
    conditions: Array.from({ length: 1 + Math.floor(rand() * 2) }, () => {
      const attribute = pick(attributes);
      return { attribute, op: pick(["in", "not_in"] as const), values: some(pools[attribute]) };
    }),
    variant: pick(variantKeys),
  });
  const randomConfig = (): FlagConfig =>
    flagConfigSchema.parse({
      enabled: rand() < 0.8,
      rolloutBps: pick([0, 2500, 5000, 10_000]),
      variants: { a: "A", b: "B", c: rand() < 0.8 ? "C" : "C2" },
      defaultVariant: pick(variantKeys),
      fallbackVariant: rand() < 0.9 ? "a" : "b",
      rules: ["r1", "r2", "r3"].filter(() => rand() < 0.5).map(randomRule),
      prerequisites: rand() < 0.2 ? [{ flagKey: "base", state: "on" }] : [],
    });
  /** A small random edit of the kind people make, so that narrowing edits come up often. */
  const mutate = (c: FlagConfig): FlagConfig => {
    const next = structuredClone(c);
    switch (Math.floor(rand() * 6)) {
      case 0:
        next.enabled = !next.enabled;
        break;
      case 1:
        next.rolloutBps = pick([0, 2500, 5000, 10_000]);
        break;
      case 2:
        if (next.rules.length > 0) next.rules.splice(Math.floor(rand() * next.rules.length), 1);
        break;
      case 3: {
        const rule = next.rules[Math.floor(rand() * next.rules.length)];
        if (rule) rule.conditions = randomRule(rule.id).conditions;
        break;
      }
      case 4: {
        const rule = next.rules[Math.floor(rand() * next.rules.length)];
        if (rule) rule.variant = pick(variantKeys);
        break;
      }
      default:
        if (!next.rules.some((r) => r.id === "r9")) next.rules.splice(Math.floor(rand() * (next.rules.length + 1)), 0, randomRule("r9"));
    }
    return next;
  };

  const contexts = pools.targetingKey.flatMap((targetingKey) =>
    pools.platform.flatMap((platform) => pools.region.map((region) => ({ targetingKey, platform, region }))),
  );
  contexts.push({ targetingKey: "", platform: "", region: "" });

  it("never calls a change narrowing (or neutral) when some context gains a non-fallback variant", () => {
    const base = { key: "base", kind: "RELEASE" as const, version: 1, salt: "s-base", config: flagConfigSchema.parse({ enabled: true, rolloutBps: 5000 }) };
    const run = (config: FlagConfig, context: (typeof contexts)[number]) =>
      evaluateFlag({ environmentKillSwitchOn: false, flags: { f: { key: "f", kind: "MULTIVARIATE", version: 1, salt: "s-f", config }, base } }, "f", context);
    let checked = 0;
    const failures: string[] = [];
    for (let i = 0; i < 2000; i++) {
      const before = randomConfig();
      const after = rand() < 0.7 ? mutate(before) : mutate(mutate(before));
      const { direction } = classifyChange(before, after);
      if (direction === "widening") continue;
      checked++;
      for (const context of contexts) {
        const b = run(before, context);
        const a = run(after, context);
        const ok = a.variant === after.fallbackVariant || (a.variant === b.variant && stableJson(a.value) === stableJson(b.value));
        if (!ok) failures.push(`${direction}: ${JSON.stringify({ before, after, context, b, a })}`);
      }
    }
    expect(failures.slice(0, 3)).toEqual([]);
    // The generator must actually produce non-widening edits for this to mean anything.
    expect(checked).toBeGreaterThan(400);
  });
});
