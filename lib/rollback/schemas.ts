// Rollback rule inputs. Client-safe: the console's rule form validates with
// the schema the services parse with.
import { z } from "zod";
import { rollbackActions, supportedMetrics } from "@/lib/rollback/judge";
import { COARSE_HORIZON_MS } from "@/lib/rollback/window";

const DAY = 86_400;
const idSchema = z.uuid({ error: "Not a valid id" });

const ruleShape = {
  name: z.string().trim().min(1, "Give the rule a name").max(200),
  metric: z.enum(supportedMetrics, { error: "Pick a metric the counters provide" }),
  windowSeconds: z.number().int().min(10, "At least 10 seconds").max(DAY, "At most a day"),
  comparison: z.enum(["ABSOLUTE", "BASELINE_MULTIPLE"]),
  /** Rates as fractions (0.005 = 0.5 %), latency in ms, cost in currency units per call; or the multiple of the baseline. */
  threshold: z.number().finite().positive("Must be above zero"),
  /** Length of the earlier period the baseline is taken from (it ends where the window starts). */
  baselineWindowSeconds: z
    .number()
    .int()
    .min(300, "At least 5 minutes")
    .max(7 * DAY, "At most 7 days")
    .nullable(),
  minSamples: z.number().int().min(1).max(10_000_000),
  action: z.enum(rollbackActions),
  cooldownSeconds: z
    .number()
    .int()
    .min(0)
    .max(7 * DAY),
  dryRun: z.boolean(),
  enabled: z.boolean(),
};

/** A whole rule (what is stored); a partial update is merged into the stored rule and validated with this. */
export const rollbackRuleSchema = z
  .object({
    ...ruleShape,
    baselineWindowSeconds: ruleShape.baselineWindowSeconds.default(null),
    minSamples: ruleShape.minSamples.default(100),
    cooldownSeconds: ruleShape.cooldownSeconds.default(900),
    dryRun: ruleShape.dryRun.default(false),
    enabled: ruleShape.enabled.default(true),
  })
  .superRefine((r, ctx) => {
    if (r.comparison === "BASELINE_MULTIPLE" && !r.baselineWindowSeconds) {
      ctx.addIssue({
        code: "custom",
        path: ["baselineWindowSeconds"],
        message: "A baseline comparison needs the period the baseline is taken from",
      });
    }
    if (r.comparison === "ABSOLUTE" && (r.metric === "HARMFUL_RATE" || r.metric === "REPORT_RATE" || r.metric === "ERROR_RATE") && r.threshold > 1) {
      ctx.addIssue({ code: "custom", path: ["threshold"], message: "A rate is a fraction: 0.005 is 0.5 %" });
    }
    if ((r.windowSeconds + (r.baselineWindowSeconds ?? 0)) * 1000 > COARSE_HORIZON_MS) {
      ctx.addIssue({
        code: "custom",
        path: ["baselineWindowSeconds"],
        message: "Window and baseline together reach further back than the counters are kept (8 days)",
      });
    }
  });
export type RollbackRuleConfig = z.infer<typeof rollbackRuleSchema>;

export const createRollbackRuleSchema = z.object({
  /** Null or absent: every release and multivariate flag of the project. */
  flagId: idSchema.nullable().optional(),
  rule: z.unknown(),
});
export type CreateRollbackRuleInput = { flagId?: string | null; rule: z.input<typeof rollbackRuleSchema> };

export const updateRollbackRuleSchema = z.object({
  ruleId: idSchema,
  changes: z.object(ruleShape).partial(),
});
export type UpdateRollbackRuleInput = z.input<typeof updateRollbackRuleSchema>;
