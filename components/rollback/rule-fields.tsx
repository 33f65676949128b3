"use client";
// The fields of a rollback rule, shared by "New rule" and "Edit": the flag
// (chosen once, when the rule is created), what is measured over which
// window, what it is compared with, what the rule does, and its modes. The
// threshold is typed in the metric's unit (rates as percentages).
import { useState } from "react";
import { Field, inputClass } from "@/components/ui/form";
import {
  actionHint,
  actionName,
  durationToInput,
  durationUnits,
  isRateMetric,
  metricHint,
  metricName,
  thresholdToInput,
  thresholdUnit,
} from "@/components/rollback/format";
import {
  rollbackActions,
  supportedMetrics,
  type Comparison,
  type RollbackAction,
  type RollbackMetric,
} from "@/lib/rollback/judge";

export type RuleValues = {
  name: string;
  flagId: string | null;
  metric: RollbackMetric;
  comparison: Comparison;
  threshold: number;
  windowSeconds: number;
  baselineWindowSeconds: number | null;
  minSamples: number;
  action: RollbackAction;
  cooldownSeconds: number;
  dryRun: boolean;
  enabled: boolean;
};

export type FlagChoice = { id: string; label: string };

export const newRuleValues: RuleValues = {
  name: "",
  flagId: null,
  metric: "HARMFUL_RATE",
  comparison: "ABSOLUTE",
  threshold: 0.005,
  windowSeconds: 1800,
  baselineWindowSeconds: null,
  minSamples: 200,
  action: "HALVE",
  cooldownSeconds: 900,
  // A new rule starts by only recording what it would do: its threshold is checked against real traffic first.
  dryRun: true,
  enabled: true,
};

export function RuleFields({
  idPrefix,
  values,
  errors,
  flags,
  flagLabel,
}: {
  /** Keeps ids unique when several forms are on the page. */
  idPrefix: string;
  values: RuleValues;
  errors: Record<string, string>;
  /** Creating: the flags to choose from. Editing: omitted, the flag is fixed and shown as `flagLabel`. */
  flags?: FlagChoice[];
  flagLabel?: string;
}) {
  const [metric, setMetric] = useState<RollbackMetric>(values.metric);
  const [comparison, setComparison] = useState<Comparison>(values.comparison);
  const id = (name: string) => `${idPrefix}-${name}`;
  const err = (field: string) => errors[field] ?? errors[`changes.${field}`] ?? errors[`rule.${field}`];
  const described = (name: string, field: string) => ({
    "aria-invalid": !!err(field),
    "aria-describedby": err(field) ? `${id(name)}-error` : undefined,
  });
  const metrics: readonly RollbackMetric[] = (supportedMetrics as readonly RollbackMetric[]).includes(values.metric)
    ? supportedMetrics
    : [...supportedMetrics, values.metric];
  const unit = thresholdUnit(metric, comparison);
  // The stored threshold is only meaningful in the unit it was saved with.
  const thresholdDefault =
    metric === values.metric && comparison === values.comparison
      ? String(thresholdToInput(metric, comparison, values.threshold))
      : "";

  return (
    <div className="space-y-4">
      <div className="grid grid-cols-1 gap-3 sm:grid-cols-2 lg:grid-cols-3">
        <div className="sm:col-span-2">
          <Field label="Name" name={id("name")} error={err("name")}>
            <input
              id={id("name")}
              name="name"
              required
              maxLength={200}
              defaultValue={values.name}
              autoComplete="off"
              placeholder="Harmful output above 0.5 % over 30 min: halve"
              className={inputClass}
              {...described("name", "name")}
            />
          </Field>
        </div>
        {flags ? (
          <Field
            label="Flag"
            name={id("flagId")}
            error={err("flagId")}
            hint="A rule for all flags is judged for each release and multivariate flag"
          >
            <select
              id={id("flagId")}
              name="flagId"
              defaultValue={values.flagId ?? ""}
              className={inputClass}
              {...described("flagId", "flagId")}
            >
              <option value="">All flags</option>
              {flags.map((f) => (
                <option key={f.id} value={f.id}>
                  {f.label}
                </option>
              ))}
            </select>
          </Field>
        ) : (
          <div className="space-y-1">
            <p className="text-sm font-medium text-slate-700">Flag</p>
            <p className="py-2 text-sm">{flagLabel}</p>
            <p className="text-xs text-slate-500">A rule for another flag is another rule</p>
          </div>
        )}

        <Field label="Metric" name={id("metric")} error={err("metric")} hint={metricHint[metric]}>
          <select
            id={id("metric")}
            name="metric"
            value={metric}
            onChange={(e) => setMetric(e.target.value as RollbackMetric)}
            className={inputClass}
            {...described("metric", "metric")}
          >
            {metrics.map((m) => (
              <option key={m} value={m}>
                {metricName[m]}
              </option>
            ))}
          </select>
        </Field>
        <DurationField
          id={id("window")}
          name="window"
          label="Window"
          seconds={values.windowSeconds}
          error={err("windowSeconds")}
          hint="The recent period the metric is measured over (10 s to 1 d)"
        />
        <Field
          label="Minimum samples"
          name={id("minSamples")}
          error={err("minSamples")}
          hint="Fewer in the window (or baseline) and the rule waits"
        >
          <input
            id={id("minSamples")}
            name="minSamples"
            type="number"
            inputMode="numeric"
            min={1}
            step={1}
            required
            defaultValue={values.minSamples}
            className={inputClass}
            {...described("minSamples", "minSamples")}
          />
        </Field>

        <Field label="Comparison" name={id("comparison")} error={err("comparison")}>
          <select
            id={id("comparison")}
            name="comparison"
            value={comparison}
            onChange={(e) => setComparison(e.target.value as Comparison)}
            className={inputClass}
            {...described("comparison", "comparison")}
          >
            <option value="ABSOLUTE">Above a fixed threshold</option>
            <option value="BASELINE_MULTIPLE">Above a multiple of an earlier baseline</option>
          </select>
        </Field>
        <Field
          label={`Threshold (${unit})`}
          name={id("threshold")}
          error={err("threshold")}
          hint={
            comparison === "BASELINE_MULTIPLE"
              ? "Fires when the value is above this many times the baseline, e.g. 3"
              : isRateMetric(metric)
                ? "As a percentage: 0.5 means 0.5 % of responses"
                : metric === "LATENCY_P95"
                  ? "Milliseconds, e.g. 4000"
                  : "Average cost of a call, e.g. 0.02"
          }
        >
          <input
            // A new unit starts from an empty field rather than a number typed for another unit.
            key={`${metric}-${comparison}`}
            id={id("threshold")}
            name="threshold"
            type="text"
            inputMode="decimal"
            required
            defaultValue={thresholdDefault}
            autoComplete="off"
            className={inputClass}
            {...described("threshold", "threshold")}
          />
        </Field>
        {comparison === "BASELINE_MULTIPLE" ? (
          <DurationField
            id={id("baseline")}
            name="baseline"
            label="Baseline period"
            seconds={values.baselineWindowSeconds ?? 86_400}
            error={err("baselineWindowSeconds")}
            hint="The period just before the window that the baseline is taken from (5 min to 7 d)"
          />
        ) : (
          <div aria-hidden="true" className="hidden lg:block" />
        )}

        <Field label="Action" name={id("action")} error={err("action")}>
          <ActionSelect id={id("action")} initial={values.action} invalid={!!err("action")} />
        </Field>
        <DurationField
          id={id("cooldown")}
          name="cooldown"
          label="Cooldown"
          seconds={values.cooldownSeconds}
          error={err("cooldownSeconds")}
          hint="After firing for a flag, the rule waits this long before it can fire for it again"
          allowZero
        />
      </div>
      <fieldset className="flex flex-wrap gap-x-6 gap-y-2 text-sm">
        <legend className="sr-only">Modes</legend>
        <label className="inline-flex items-center gap-2">
          <input type="checkbox" name="dryRun" defaultChecked={values.dryRun} /> Dry run: record and notify what it
          would do, change nothing
        </label>
        <label className="inline-flex items-center gap-2">
          <input type="checkbox" name="enabled" defaultChecked={values.enabled} /> Enabled
        </label>
      </fieldset>
    </div>
  );
}

function ActionSelect({ id, initial, invalid }: { id: string; initial: RollbackAction; invalid: boolean }) {
  const [action, setAction] = useState<RollbackAction>(initial);
  return (
    <>
      <select
        id={id}
        name="action"
        value={action}
        onChange={(e) => setAction(e.target.value as RollbackAction)}
        className={inputClass}
        aria-invalid={invalid}
        aria-describedby={invalid ? `${id}-about ${id}-error` : `${id}-about`}
      >
        {rollbackActions.map((a) => (
          <option key={a} value={a}>
            {actionName[a]}
          </option>
        ))}
      </select>
      <p id={`${id}-about`} className="text-xs text-slate-500">
        {actionHint[action]}
      </p>
    </>
  );
}

function DurationField({
  id,
  name,
  label,
  seconds,
  error,
  hint,
  allowZero = false,
}: {
  id: string;
  name: string;
  label: string;
  seconds: number;
  error?: string;
  hint: string;
  allowZero?: boolean;
}) {
  const initial = durationToInput(seconds);
  return (
    <Field label={label} name={id} error={error} hint={hint}>
      <div className="flex gap-2">
        <input
          id={id}
          name={`${name}Amount`}
          type="number"
          inputMode="decimal"
          min={allowZero ? 0 : undefined}
          step="any"
          required
          defaultValue={initial.amount}
          className={inputClass}
          aria-invalid={!!error}
          aria-describedby={error ? `${id}-error` : undefined}
        />
        <select
          name={`${name}Unit`}
          defaultValue={initial.unit}
          aria-label={`${label} unit`}
          className={`${inputClass} w-32`}
        >
          {durationUnits.map((u) => (
            <option key={u.unit} value={u.unit}>
              {u.label}
            </option>
          ))}
        </select>
      </div>
    </Field>
  );
}
