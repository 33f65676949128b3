// Flag evaluation: a pure function of an in-memory snapshot and a context, so
// that the OFREP endpoints, the push stream and SDKs can run it without I/O.
// The order is the safety order — each step can only take exposure away
// from the ones after it:
//
//   1. welded (lib/flags/welded.ts)          → fallback, DISABLED
//   2. flag missing from the snapshot        → ERROR FLAG_NOT_FOUND (the caller's default)
//   3. project/environment kill switch       → fallback, DISABLED
//   4. flag disabled (killed)                → fallback, DISABLED
//   5. prerequisites not met                 → fallback, DEFAULT
//   6. first targeting rule that matches     → its variant, TARGETING_MATCH
//   7. rollout: 100 % → default (STATIC when nothing above is configured, else DEFAULT);
//      0 % → fallback, DEFAULT; otherwise bucket < rolloutBps → default, else fallback, SPLIT;
//      no targeting key → fallback, ERROR TARGETING_KEY_MISSING
//
// Reasons and error codes are OFREP's. Welded flags come before the lookup so
// that not even a missing or stale snapshot can leave one to a client default.
import { inRollout } from "@/lib/flags/bucketing";
import { isWelded } from "@/lib/flags/welded";
import { FULL_ROLLOUT_BPS, type Condition, type ContextAttribute, type FlagConfig, type FlagKind } from "@/lib/flags/schemas";

export type SnapshotFlag = {
  key: string;
  kind: FlagKind;
  /** The applied version this configuration is. */
  version: number;
  salt: string;
  config: FlagConfig;
};

/** Everything evaluation needs for one project and environment. */
export type EvaluationSnapshot = {
  environmentKillSwitchOn: boolean;
  flags: Readonly<Record<string, SnapshotFlag>>;
};

/** OFREP's evaluation context: a targeting key and any attributes (strings or lists of strings are used). */
export type EvaluationContext = Readonly<Record<string, unknown>> & { targetingKey?: unknown };

export const evaluationReasons = ["STATIC", "DEFAULT", "TARGETING_MATCH", "SPLIT", "DISABLED", "ERROR"] as const;
export type EvaluationReason = (typeof evaluationReasons)[number];
export type EvaluationErrorCode = "FLAG_NOT_FOUND" | "TARGETING_KEY_MISSING";

/** Which step of the order above decided the result. */
export type DecidedBy = "welded" | "not_found" | "environment_kill_switch" | "flag_disabled" | "prerequisite" | "rule" | "rollout";

export type JsonValue = FlagConfig["variants"][string];

export type EvaluationResult = {
  key: string;
  /** Null only when the flag is not found: the caller then uses its own default. */
  value: JsonValue | null;
  variant: string | null;
  reason: EvaluationReason;
  errorCode?: EvaluationErrorCode;
  decidedBy: DecidedBy;
  ruleId?: string;
  version?: number;
};

// Prerequisite chains deeper than this are treated as unmet, like cycles.
const MAX_PREREQUISITE_DEPTH = 8;

export function evaluateFlag(snapshot: EvaluationSnapshot, key: string, context: EvaluationContext): EvaluationResult {
  return evaluate(snapshot, key, context, []);
}

function evaluate(snapshot: EvaluationSnapshot, key: string, context: EvaluationContext, chain: readonly string[]): EvaluationResult {
  const flag = Object.hasOwn(snapshot.flags, key) ? snapshot.flags[key] : undefined;
  if (isWelded(key)) {
    // Welded flags are boolean by nature; without a stored flag "off" is false.
    if (!flag) return { key, value: false, variant: "off", reason: "DISABLED", decidedBy: "welded" };
    return fallback(flag, "DISABLED", "welded");
  }
  if (!flag) return { key, value: null, variant: null, reason: "ERROR", errorCode: "FLAG_NOT_FOUND", decidedBy: "not_found" };
  const { config } = flag;
  if (snapshot.environmentKillSwitchOn) return fallback(flag, "DISABLED", "environment_kill_switch");
  if (!config.enabled) return fallback(flag, "DISABLED", "flag_disabled");

  const nextChain = [...chain, key];
  for (const p of config.prerequisites) {
    if (!prerequisiteMet(snapshot, p.flagKey, p.state, context, nextChain)) return fallback(flag, "DEFAULT", "prerequisite");
  }

  for (const rule of config.rules) {
    if (rule.conditions.every((c) => conditionMatches(c, context))) {
      return { ...serve(flag, rule.variant, "TARGETING_MATCH", "rule"), ruleId: rule.id };
    }
  }

  if (config.rolloutBps >= FULL_ROLLOUT_BPS) {
    const dynamic = config.rules.length > 0 || config.prerequisites.length > 0;
    return serve(flag, config.defaultVariant, dynamic ? "DEFAULT" : "STATIC", "rollout");
  }
  if (config.rolloutBps <= 0) return fallback(flag, "DEFAULT", "rollout");
  const targetingKey = typeof context.targetingKey === "string" && context.targetingKey !== "" ? context.targetingKey : undefined;
  if (!targetingKey) return { ...fallback(flag, "ERROR", "rollout"), errorCode: "TARGETING_KEY_MISSING" };
  return inRollout(flag.salt, targetingKey, config.rolloutBps)
    ? serve(flag, config.defaultVariant, "SPLIT", "rollout")
    : fallback(flag, "SPLIT", "rollout");
}

function prerequisiteMet(
  snapshot: EvaluationSnapshot,
  key: string,
  required: "on" | "off",
  context: EvaluationContext,
  chain: readonly string[],
): boolean {
  // A prerequisite that cannot be evaluated (missing, cyclic, too deep) is
  // unmet whichever state is required: the flag then stays at its fallback.
  if (chain.includes(key) || chain.length >= MAX_PREREQUISITE_DEPTH) return false;
  const other = Object.hasOwn(snapshot.flags, key) ? snapshot.flags[key] : undefined;
  if (!other && !isWelded(key)) return false;
  const result = evaluate(snapshot, key, context, chain);
  const on = other !== undefined && result.variant !== null && result.variant !== other.config.fallbackVariant;
  return on === (required === "on");
}

/** The context's values for an attribute: a string, or the strings of a list. */
function valuesOf(context: EvaluationContext, attribute: ContextAttribute): string[] {
  const raw = context[attribute];
  if (typeof raw === "string") return raw === "" ? [] : [raw];
  if (Array.isArray(raw)) return raw.filter((v): v is string => typeof v === "string" && v !== "");
  return [];
}

// Allowlists can hold thousands of ids; a snapshot's conditions are immutable,
// so each list is indexed once, on first use.
const listedValues = new WeakMap<Condition, ReadonlySet<string>>();

function conditionMatches(condition: Condition, context: EvaluationContext): boolean {
  const values = valuesOf(context, condition.attribute);
  if (values.length === 0) return false;
  let set = listedValues.get(condition);
  if (!set) listedValues.set(condition, (set = new Set(condition.values)));
  const listed = values.some((v) => set.has(v));
  return condition.op === "in" ? listed : !listed;
}

function serve(flag: SnapshotFlag, variant: string, reason: EvaluationReason, decidedBy: DecidedBy): EvaluationResult {
  return { key: flag.key, value: flag.config.variants[variant] ?? null, variant, reason, decidedBy, version: flag.version };
}

function fallback(flag: SnapshotFlag, reason: EvaluationReason, decidedBy: DecidedBy): EvaluationResult {
  return serve(flag, flag.config.fallbackVariant, reason, decidedBy);
}
