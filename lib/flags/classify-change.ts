// Whether a configuration change narrows or widens exposure. "Exposed" means
// served anything other than the fallback variant. A change is narrowing when
// every context it affects can only move to the fallback (kill, cut the
// rollout, pause, add a deny rule or a prerequisite, take users off an
// allowlist); anything that can move a context onto a non-fallback variant,
// or change what a variant serves, is widening. Every part of a config is
// classified on its own and the change is widening if any part is; when a
// part cannot be proven narrowing it counts as widening, because a wrong
// "narrowing" would skip the second person in a protected environment while
// a wrong "widening" only asks for one. Parts that move nobody (a rule's
// description, a variant nothing serves) are neutral.
import type { Condition, FlagConfig, Rule } from "@/lib/flags/schemas";

export type ChangeEffect = "narrowing" | "widening" | "neutral";
export type ChangeDirection = ChangeEffect | "unchanged";

export type ConfigChange = {
  /** Which part changed: "enabled", "rolloutBps", "rules.<id>", "rulesOrder", "variants.<key>", "prerequisites.<key>", … */
  path: string;
  before: unknown;
  after: unknown;
  effect: ChangeEffect;
};

export type Classification = { direction: ChangeDirection; changes: ConfigChange[] };

/**
 * Share of traffic served a non-fallback variant by the rollout alone, in
 * basis points. Targeted rules and prerequisites are left out: their reach
 * depends on traffic this module cannot see.
 */
export function exposureBpsOf(config: FlagConfig): number {
  return config.enabled && config.defaultVariant !== config.fallbackVariant ? config.rolloutBps : 0;
}

export function classifyChange(before: FlagConfig, after: FlagConfig): Classification {
  const changes: ConfigChange[] = [];
  const add = (path: string, b: unknown, a: unknown, effect: ChangeEffect) => changes.push({ path, before: b, after: a, effect });

  if (before.enabled !== after.enabled) add("enabled", before.enabled, after.enabled, after.enabled ? "widening" : "narrowing");
  if (before.rolloutBps !== after.rolloutBps) {
    add("rolloutBps", before.rolloutBps, after.rolloutBps, after.rolloutBps > before.rolloutBps ? "widening" : "narrowing");
  }
  if (before.fallbackVariant !== after.fallbackVariant) add("fallbackVariant", before.fallbackVariant, after.fallbackVariant, "widening");
  if (before.defaultVariant !== after.defaultVariant) {
    add("defaultVariant", before.defaultVariant, after.defaultVariant, after.defaultVariant === after.fallbackVariant ? "narrowing" : "widening");
  }
  for (const key of new Set([...Object.keys(before.variants), ...Object.keys(after.variants)])) {
    const b = Object.hasOwn(before.variants, key) ? before.variants[key] : undefined;
    const a = Object.hasOwn(after.variants, key) ? after.variants[key] : undefined;
    if (stableJson(b) === stableJson(a)) continue;
    // Adding or dropping a variant moves nobody by itself (the rules and
    // defaults that serve it are classified on their own); changing the value
    // of one that stays changes what its audience gets.
    add(`variants.${key}`, b, a, b !== undefined && a !== undefined ? "widening" : "neutral");
  }
  classifyPrerequisites(before, after, add);
  classifyRules(before, after, add);

  const direction: ChangeDirection =
    changes.length === 0
      ? "unchanged"
      : changes.some((c) => c.effect === "widening")
        ? "widening"
        : changes.some((c) => c.effect === "narrowing")
          ? "narrowing"
          : "neutral";
  return { direction, changes };
}

type Add = (path: string, before: unknown, after: unknown, effect: ChangeEffect) => void;

function classifyPrerequisites(before: FlagConfig, after: FlagConfig, add: Add) {
  const b = new Map(before.prerequisites.map((p) => [p.flagKey, p.state]));
  const a = new Map(after.prerequisites.map((p) => [p.flagKey, p.state]));
  for (const key of new Set([...b.keys(), ...a.keys()])) {
    const was = b.get(key);
    const now = a.get(key);
    if (was === now) continue;
    // A new prerequisite can only hold contexts back; dropping or flipping one can release them.
    add(`prerequisites.${key}`, was ?? null, now ?? null, was === undefined ? "narrowing" : "widening");
  }
}

function classifyRules(before: FlagConfig, after: FlagConfig, add: Add) {
  const fallbackVariant = after.fallbackVariant;
  const b = new Map(before.rules.map((r) => [r.id, r]));
  const a = new Map(after.rules.map((r) => [r.id, r]));

  // First match wins, so moving rules past each other can hand a context to another rule.
  const keptBefore = before.rules.filter((r) => a.has(r.id)).map((r) => r.id);
  const keptAfter = after.rules.filter((r) => b.has(r.id)).map((r) => r.id);
  if (keptBefore.join("\n") !== keptAfter.join("\n")) add("rulesOrder", keptBefore, keptAfter, "widening");

  // Where a context that no rule catches any more can land: a later rule or the rollout.
  const exposedAfter = new Set(after.rules.map((r) => r.variant));
  if (after.rolloutBps > 0) exposedAfter.add(after.defaultVariant);
  exposedAfter.delete(fallbackVariant);
  const fallThroughSafe = (from: string) => [...exposedAfter].every((v) => v === from);

  for (const id of new Set([...b.keys(), ...a.keys()])) {
    const was = b.get(id);
    const now = a.get(id);
    if (was && now && sameRule(was, now)) {
      if (stableJson(was) !== stableJson(now)) add(`rules.${id}`, was, now, "neutral");
      continue;
    }
    let safe: boolean;
    if (!was) safe = now!.variant === fallbackVariant;
    else if (!now) safe = fallThroughSafe(was.variant);
    else {
      // Split the contexts by whether the rule matched them before and after.
      const relation = relate(now.conditions, was.conditions);
      const keptSafe = now.variant === was.variant || now.variant === fallbackVariant;
      const gainedSafe = relation === "same" || relation === "narrower" || now.variant === fallbackVariant;
      const lostSafe = relation === "same" || relation === "wider" || fallThroughSafe(was.variant);
      safe = keptSafe && gainedSafe && lostSafe;
    }
    add(`rules.${id}`, was ?? null, now ?? null, safe ? "narrowing" : "widening");
  }
}

function sameRule(x: Rule, y: Rule): boolean {
  return x.variant === y.variant && relate(x.conditions, y.conditions) === "same";
}

/** How the set of contexts matching `next` compares with the set matching `prev`. */
function relate(next: Condition[], prev: Condition[]): "same" | "narrower" | "wider" | "other" {
  const nextImpliesPrev = implies(next, prev);
  const prevImpliesNext = implies(prev, next);
  if (nextImpliesPrev && prevImpliesNext) return "same";
  if (nextImpliesPrev) return "narrower";
  if (prevImpliesNext) return "wider";
  return "other";
}

/** Whether every context meeting all of `xs` meets all of `ys` (sound, not complete). */
function implies(xs: Condition[], ys: Condition[]): boolean {
  return ys.every((y) => xs.some((x) => conditionImplies(x, y)));
}

function conditionImplies(x: Condition, y: Condition): boolean {
  if (x.attribute !== y.attribute || x.op !== y.op) return false;
  // A missing attribute fails both operators, so only the lists matter.
  const ys = new Set(y.values);
  const xs = new Set(x.values);
  return x.op === "in" ? x.values.every((v) => ys.has(v)) : y.values.every((v) => xs.has(v));
}

/** JSON with object keys sorted, for comparing values that may have been reordered by a round trip through Postgres. */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([p], [q]) => (p < q ? -1 : p > q ? 1 : 0)))
      : v,
  ) ?? "undefined";
}
