// Flag keys, flag configurations and the inputs of the flag services.
// Client-safe (no I/O): the console's forms validate with the schemas the
// services parse with, so a bad field is named the same way in both places.
import { z } from "zod";

export const flagKinds = ["KILL_SWITCH", "RELEASE", "MULTIVARIATE"] as const;
export type FlagKind = (typeof flagKinds)[number];

/** Rollouts are in basis points: 10,000 is everyone. */
export const FULL_ROLLOUT_BPS = 10_000;

// Lower-case so that the environment-variable name of a key (welded.ts) is unambiguous.
export const flagKeySchema = z
  .string()
  .trim()
  .regex(/^[a-z0-9][a-z0-9._-]{0,99}$/, "Use 1–100 lower-case letters, digits, dots, dashes or underscores, starting with a letter or digit");

export const variantKeySchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, "Use 1–64 lower-case letters, digits, dashes or underscores");

/**
 * Context attributes a rule can test. `targetingKey` is the user (or session)
 * id, so an `in` condition on it is an explicit allowlist. A client may send a
 * single string or a list of strings for any of them (capabilities usually
 * come as a list).
 */
export const contextAttributes = ["targetingKey", "platform", "segment", "capability", "region", "deviceClass"] as const;
export type ContextAttribute = (typeof contextAttributes)[number];

/**
 * `in`: some value of the attribute is listed; `not_in`: the attribute is
 * present and none of its values is listed. A context without the attribute
 * matches neither, so that a client that forgets an attribute is never
 * targeted by a rule meant for others.
 */
export const conditionSchema = z.object({
  attribute: z.enum(contextAttributes),
  op: z.enum(["in", "not_in"]),
  values: z.array(z.string().trim().min(1).max(256)).min(1, "List at least one value").max(10_000, "List at most 10,000 values"),
});
export type Condition = z.infer<typeof conditionSchema>;

/** Serves `variant` to contexts that meet every condition; the first matching rule wins. */
export const ruleSchema = z.object({
  /** Stable across edits, so that a change to a rule can be told from a new rule (see classify-change.ts). */
  id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, "Use 1–64 lower-case letters, digits, dashes or underscores"),
  description: z.string().trim().max(500).optional(),
  conditions: z.array(conditionSchema).min(1, "A rule needs at least one condition").max(20),
  variant: variantKeySchema,
});
export type Rule = z.infer<typeof ruleSchema>;

/** "on": the other flag serves something other than its fallback to this context. */
export const prerequisiteSchema = z.object({
  flagKey: flagKeySchema,
  state: z.enum(["on", "off"]),
});
export type Prerequisite = z.infer<typeof prerequisiteSchema>;

const BOOLEAN_VARIANTS = { on: true, off: false } as const;

const MAX_CONFIG_BYTES = 256 * 1024;

/**
 * What a FlagVersion stores. Those in the rollout get `defaultVariant`;
 * everyone else, and everyone while the flag is disabled, killed or blocked by
 * a prerequisite, gets `fallbackVariant`. Boolean kinds may leave the variants
 * out: they are always `on: true` / `off: false`.
 */
export const flagConfigSchema = z
  .object({
    enabled: z.boolean(),
    rolloutBps: z.number().int().min(0).max(FULL_ROLLOUT_BPS, "At most 10,000 basis points (100 %)"),
    variants: z
      .record(variantKeySchema, z.json())
      .default(() => ({ ...BOOLEAN_VARIANTS }))
      .refine((v) => Object.keys(v).length >= 1 && Object.keys(v).length <= 50, "Give 1 to 50 variants"),
    defaultVariant: variantKeySchema.default("on"),
    fallbackVariant: variantKeySchema.default("off"),
    rules: z.array(ruleSchema).max(100, "At most 100 rules").default(() => []),
    prerequisites: z.array(prerequisiteSchema).max(10, "At most 10 prerequisites").default(() => []),
  })
  .superRefine((c, ctx) => {
    const known = (variant: string) => Object.hasOwn(c.variants, variant);
    if (!known(c.defaultVariant)) ctx.addIssue({ code: "custom", path: ["defaultVariant"], message: `No variant "${c.defaultVariant}"` });
    if (!known(c.fallbackVariant)) ctx.addIssue({ code: "custom", path: ["fallbackVariant"], message: `No variant "${c.fallbackVariant}"` });
    const ruleIds = new Set<string>();
    c.rules.forEach((r, i) => {
      if (!known(r.variant)) ctx.addIssue({ code: "custom", path: ["rules", i, "variant"], message: `No variant "${r.variant}"` });
      if (ruleIds.has(r.id)) ctx.addIssue({ code: "custom", path: ["rules", i, "id"], message: `Two rules have the id "${r.id}"` });
      ruleIds.add(r.id);
    });
    const prereqs = new Set<string>();
    c.prerequisites.forEach((p, i) => {
      if (prereqs.has(p.flagKey)) ctx.addIssue({ code: "custom", path: ["prerequisites", i, "flagKey"], message: `"${p.flagKey}" is listed twice` });
      prereqs.add(p.flagKey);
    });
    if (JSON.stringify(c).length > MAX_CONFIG_BYTES) ctx.addIssue({ code: "custom", path: [], message: "The configuration is larger than 256 KiB" });
  });
export type FlagConfig = z.infer<typeof flagConfigSchema>;
export type FlagConfigInput = z.input<typeof flagConfigSchema>;

/** The configuration schema with the rules of one kind, for the flag with this key. */
export function flagConfigSchemaFor(kind: FlagKind, key: string) {
  return flagConfigSchema.superRefine((c, ctx) => {
    if (c.prerequisites.some((p) => p.flagKey === key)) {
      ctx.addIssue({ code: "custom", path: ["prerequisites"], message: "A flag cannot be its own prerequisite" });
    }
    if (kind === "MULTIVARIATE") return;
    const booleanShape =
      Object.keys(c.variants).length === 2 && c.variants.on === true && c.variants.off === false && c.defaultVariant === "on" && c.fallbackVariant === "off";
    if (!booleanShape) {
      ctx.addIssue({ code: "custom", path: ["variants"], message: "A boolean flag has exactly the variants on (true) and off (false), serving on by default and off as fallback" });
    }
    // A kill switch is all or nothing: the rollout lives on release flags.
    if (kind === "KILL_SWITCH" && c.rolloutBps !== FULL_ROLLOUT_BPS) {
      ctx.addIssue({ code: "custom", path: ["rolloutBps"], message: "A kill switch has no percentage rollout: it is on (10,000) or killed" });
    }
  });
}

/** The configuration a new flag starts from when none is given: nobody exposed. (Multivariate flags must give theirs.) */
export function initialConfig(kind: FlagKind): FlagConfig {
  return {
    enabled: false,
    rolloutBps: kind === "KILL_SWITCH" ? FULL_ROLLOUT_BPS : 0,
    variants: { ...BOOLEAN_VARIANTS },
    defaultVariant: "on",
    fallbackVariant: "off",
    rules: [],
    prerequisites: [],
  };
}

export const reasonSchema = z.string().trim().min(1, "Say why (a reason is required)").max(2000, "Keep the reason to 2,000 characters");
export const ticketUrlSchema = z.url({ protocol: /^https?$/, error: "Give an http(s) link" }).max(2000);

const idSchema = z.uuid({ error: "Not a valid id" });

export const createFlagSchema = z
  .object({
    key: flagKeySchema,
    kind: z.enum(flagKinds),
    description: z.string().trim().max(2000).default(""),
    owner: z.string().trim().min(1).max(200).optional(),
    expiresAt: z.coerce.date().optional(),
    /** Defaults to every environment of the project. */
    environmentIds: z.array(idSchema).min(1).max(50).optional(),
    /** Defaults to the kind's initial (disabled) configuration; required for multivariate flags. */
    config: flagConfigSchema.optional(),
    reason: reasonSchema,
    ticketUrl: ticketUrlSchema.optional(),
  })
  .superRefine((f, ctx) => {
    if (f.kind === "KILL_SWITCH" && f.expiresAt) ctx.addIssue({ code: "custom", path: ["expiresAt"], message: "A kill switch is permanent: it has no expiry" });
    if (f.kind === "MULTIVARIATE" && !f.config) ctx.addIssue({ code: "custom", path: ["config"], message: "A multivariate flag needs its variants" });
  });
export type CreateFlagInput = z.input<typeof createFlagSchema>;

export const changeFlagSchema = z.object({
  flagId: idSchema,
  /** The whole new configuration (not a patch), validated against the flag's kind. */
  config: z.unknown(),
  reason: reasonSchema,
  ticketUrl: ticketUrlSchema.optional(),
  /** The version the actor was looking at; a change on top of a newer one is refused. */
  expectedVersion: z.number().int().min(0).optional(),
});
export type ChangeFlagInput = z.input<typeof changeFlagSchema>;

/** Reviewer "mitigate" actions: by key, in one environment or in every environment that has the flag. */
export const mitigationSchema = z.object({
  flagKey: flagKeySchema,
  environmentId: idSchema.optional(),
  reason: reasonSchema,
  ticketUrl: ticketUrlSchema.optional(),
  /** The triage item that prompted it: recorded in the version reason and the audit event. */
  triageItemId: idSchema.optional(),
});
export type MitigationInput = z.input<typeof mitigationSchema>;

export const revertFlagSchema = z.object({
  flagId: idSchema,
  toVersion: z.number().int().min(1),
  reason: reasonSchema,
  ticketUrl: ticketUrlSchema.optional(),
  expectedVersion: z.number().int().min(0).optional(),
});
export type RevertFlagInput = z.input<typeof revertFlagSchema>;

export const rejectFlagVersionSchema = z.object({ reason: reasonSchema });
export type RejectFlagVersionInput = z.input<typeof rejectFlagVersionSchema>;

export const environmentKillSwitchSchema = z.object({
  environmentId: idSchema,
  on: z.boolean(),
  reason: reasonSchema,
  ticketUrl: ticketUrlSchema.optional(),
  triageItemId: idSchema.optional(),
});
export type EnvironmentKillSwitchInput = z.input<typeof environmentKillSwitchSchema>;

export const flagStates = ["on", "off", "partial"] as const;
export type FlagState = (typeof flagStates)[number];

export const listFlagsSchema = z.object({
  /** Part of the key or description. */
  q: z.string().trim().max(100).optional(),
  kind: z.enum(flagKinds).optional(),
  state: z.enum(flagStates).optional(),
  /** true: only stale flags (past expiry, or unchanged at 100 % for 30 days). */
  stale: z.boolean().optional(),
  /** true: only flags with a change waiting for approval. */
  pending: z.boolean().optional(),
  environmentId: idSchema.optional(),
});
export type ListFlagsInput = z.input<typeof listFlagsSchema>;

/** Attaches the triage item to a mitigation's reason, so the version history says what prompted it. */
export function reasonWithTriageItem(reason: string, triageItemId: string | undefined): string {
  return triageItemId ? `${reason} (triage item ${triageItemId})` : reason;
}

/** Pausing widening (a rollback rule's PAUSE, or a person) and lifting the pause. */
export const flagWideningPauseSchema = z.object({
  flagId: idSchema,
  reason: reasonSchema,
});
export type FlagWideningPauseInput = z.input<typeof flagWideningPauseSchema>;

/** Restores the configuration in effect before the flag's most recent widening. */
export const restoreLastSafeSchema = z.object({
  flagId: idSchema,
  reason: reasonSchema,
  expectedVersion: z.number().int().min(0).optional(),
});
export type RestoreLastSafeInput = z.input<typeof restoreLastSafeSchema>;

/** Per-user hourly LLM cost ceiling of a flag, in currency units (null removes it). */
export const flagCostCeilingSchema = z.object({
  flagId: idSchema,
  usdPerUserHour: z.number().finite().positive("Use an amount above zero, or remove the ceiling").max(1_000_000).nullable(),
  reason: reasonSchema,
});
export type FlagCostCeilingInput = z.input<typeof flagCostCeilingSchema>;
