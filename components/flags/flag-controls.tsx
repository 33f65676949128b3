"use client";
// What may be done to one flag, by role: kill and cut (they only lower
// exposure: reviewers may, and they apply at once everywhere), and for leads
// the on/off switch and the rollout. Each opens a confirmation that says who
// it reaches and whether it applies at once or waits for a second person.
import { useId, useState } from "react";
import { changeFlagAction, cutRolloutAction, killFlagAction } from "@/app/p/[project]/flags/actions";
import { FormMessage, inputClass } from "@/components/ui/form";
import { ReasonDialog } from "@/components/flags/reason-dialog";
import { audienceSentences, buttonStyle, outcomeSentence, percent } from "@/components/flags/format";
import { changeImpact } from "@/lib/flags/change-impact";
import { FULL_ROLLOUT_BPS, type FlagConfig, type FlagKind } from "@/lib/flags/schemas";
import { bpsOfPercent } from "@/lib/triage-settings/units";
import type { ActionResult } from "@/lib/http/action-result";

export type ControlledFlag = {
  id: string;
  key: string;
  kind: FlagKind;
  version: number;
  config: FlagConfig;
  welded: boolean;
  environment: { name: string; protected: boolean; killSwitchOn: boolean };
};

/** The change whose confirmation is open. */
type Change = "kill" | "cut" | "toggle" | "rollout";

export function FlagControls({
  projectId,
  flag,
  may,
}: {
  projectId: string;
  flag: ControlledFlag;
  may: { narrow: boolean; widen: boolean };
}) {
  const id = useId();
  const [open, setOpen] = useState<Change | null>(null);
  const [result, setResult] = useState<ActionResult | null>(null);
  const { config, environment } = flag;
  const [rolloutText, setRolloutText] = useState(String(config.rolloutBps / 100));
  const typedBps = bpsOfPercent(rolloutText);

  const hasRollout = flag.kind !== "KILL_SWITCH";
  const mayKill = may.narrow && config.enabled;
  const mayCut = may.narrow && hasRollout && config.enabled && config.rolloutBps > 0;
  // Enabling a welded flag is refused whoever asks; the page says why instead of offering it.
  const mayToggle = may.widen && !(flag.welded && !config.enabled);
  const mayRoll = may.widen && hasRollout;
  // A reviewer's kill leaves nothing to press; the section stays for its outcome.
  if (!mayKill && !mayCut && !mayToggle && !mayRoll && !result) return null;

  const cutTo = Math.floor(config.rolloutBps / 2);
  const after: Record<Change, FlagConfig> = {
    kill: { ...config, enabled: false },
    cut: { ...config, rolloutBps: cutTo },
    toggle: { ...config, enabled: !config.enabled },
    rollout: { ...config, rolloutBps: typedBps ?? config.rolloutBps },
  };
  const impactOf = (p: Change) => changeImpact(config, after[p], environment, may);
  const close = () => setOpen(null);
  const finish = (r: ActionResult) => {
    setResult(r);
    setOpen(null);
  };
  const consequence = (p: Change) => {
    const impact = impactOf(p);
    return (
      <>
        {audienceSentences(impact, { enabledAfter: after[p].enabled, killSwitchOn: environment.killSwitchOn }).map(
          (s) => (
            <p key={s}>{s}</p>
          ),
        )}
        <p
          className={`font-medium ${impact.outcome === "needs_approval" ? "text-amber-900" : ""}`}
          data-testid="dialog-outcome"
        >
          {outcomeSentence(impact, environment.name)}
        </p>
      </>
    );
  };

  return (
    <section
      aria-labelledby={`${id}-heading`}
      className="rounded-lg border border-slate-200 bg-white p-5"
      data-testid="flag-controls"
    >
      <h2 id={`${id}-heading`} className="text-base font-semibold">
        Change
      </h2>
      <div className="mt-3 flex flex-wrap items-center gap-3">
        {mayToggle ? (
          <button
            type="button"
            role="switch"
            aria-checked={config.enabled}
            onClick={() => setOpen("toggle")}
            className="inline-flex items-center gap-2 rounded-md px-1 py-1 text-sm font-medium focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-600"
          >
            <span
              aria-hidden
              className={`relative inline-block h-6 w-11 rounded-full transition-colors ${config.enabled ? "bg-green-600" : "bg-slate-300"}`}
            >
              <span
                className={`absolute top-0.5 h-5 w-5 rounded-full bg-white shadow transition-all ${config.enabled ? "left-5.5" : "left-0.5"}`}
              />
            </span>
            Enabled
          </button>
        ) : null}
        {mayKill ? (
          <button type="button" className={buttonStyle.danger} onClick={() => setOpen("kill")}>
            Kill
          </button>
        ) : null}
        {mayCut ? (
          <button type="button" className={buttonStyle.dangerOutline} onClick={() => setOpen("cut")}>
            Cut rollout to {percent(cutTo)}
          </button>
        ) : null}
      </div>
      {mayKill || mayCut ? (
        <p className="mt-2 text-xs text-slate-500">
          Kill and cut only lower exposure: they apply at once, in protected environments too.
        </p>
      ) : null}

      {mayRoll ? (
        <form
          className="mt-5 space-y-2"
          onSubmit={(e) => {
            e.preventDefault();
            if (typedBps !== null) setOpen("rollout");
          }}
        >
          <label htmlFor={`${id}-rollout`} className="block text-sm font-medium text-slate-700">
            Rollout (%) — now {percent(config.rolloutBps)}
          </label>
          <div className="flex flex-wrap items-center gap-3">
            <input
              type="range"
              min={0}
              max={100}
              step={0.01}
              value={typedBps === null ? config.rolloutBps / 100 : typedBps / 100}
              onChange={(e) => setRolloutText(e.target.value)}
              aria-label="Rollout slider (%)"
              className="w-full max-w-md accent-brand-600"
            />
            <div className="w-28">
              <input
                id={`${id}-rollout`}
                type="number"
                min={0}
                max={100}
                step={0.01}
                value={rolloutText}
                onChange={(e) => setRolloutText(e.target.value)}
                className={inputClass}
                aria-invalid={typedBps === null}
                aria-describedby={`${id}-rollout-help`}
              />
            </div>
            <button
              type="submit"
              className={buttonStyle.primary}
              disabled={typedBps === null || typedBps === config.rolloutBps}
            >
              Review rollout change
            </button>
          </div>
          <p id={`${id}-rollout-help`} className={`text-xs ${typedBps === null ? "text-red-700" : "text-slate-500"}`}>
            {typedBps === null
              ? "Enter a percentage from 0 to 100 with at most two decimals."
              : `Share of traffic not caught by a targeting rule that gets “${config.defaultVariant}”${config.enabled ? "" : " once the flag is enabled (it is disabled now)"}. Raising keeps everyone exposed now; lowering keeps a subset of them.`}
          </p>
        </form>
      ) : null}

      {result ? (
        <div className="mt-4">
          <FormMessage state={result} />
        </div>
      ) : null}

      <ReasonDialog
        open={open === "kill"}
        title={`Kill ${flag.key} in ${environment.name}?`}
        confirmLabel="Kill"
        danger
        submit={(form) => killFlagAction(projectId, flag.id, form)}
        onClose={close}
        onDone={finish}
      >
        <p className="font-medium text-red-800">
          {flag.key} will serve its fallback to everyone in {environment.name}, including users matched by targeting
          rules.
        </p>
        {consequence("kill")}
      </ReasonDialog>
      <ReasonDialog
        open={open === "cut"}
        title={`Cut the rollout of ${flag.key} to ${percent(cutTo)}?`}
        confirmLabel={`Cut to ${percent(cutTo)}`}
        danger
        submit={(form) => cutRolloutAction(projectId, flag.id, form)}
        onClose={close}
        onDone={finish}
      >
        {consequence("cut")}
      </ReasonDialog>
      <ReasonDialog
        open={open === "toggle"}
        title={`${config.enabled ? "Disable" : "Enable"} ${flag.key} in ${environment.name}?`}
        confirmLabel={config.enabled ? "Disable" : "Enable"}
        danger={config.enabled}
        hiddenFields={{ change: "enabled", enabled: String(!config.enabled), expectedVersion: String(flag.version) }}
        submit={(form) => changeFlagAction(projectId, flag.id, form)}
        onClose={close}
        onDone={finish}
      >
        {consequence("toggle")}
      </ReasonDialog>
      <ReasonDialog
        open={open === "rollout"}
        title={`Change the rollout of ${flag.key} in ${environment.name} to ${typedBps === null ? "?" : percent(typedBps)}?`}
        confirmLabel={impactOf("rollout").outcome === "needs_approval" ? "Request approval" : "Apply rollout"}
        hiddenFields={{ change: "rollout", rolloutPercent: rolloutText, expectedVersion: String(flag.version) }}
        submit={(form) => changeFlagAction(projectId, flag.id, form)}
        onClose={close}
        onDone={finish}
      >
        <p>
          Rollout {percent(config.rolloutBps)} → {typedBps === null ? "?" : percent(typedBps)} of traffic
          {hasRollout && typedBps === FULL_ROLLOUT_BPS ? " (everyone)" : ""}.
        </p>
        {consequence("rollout")}
      </ReasonDialog>
    </section>
  );
}
