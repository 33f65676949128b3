"use client";
// The project's kill switch, one per environment: while on, every flag of the
// project serves its fallback there, whatever its own configuration. Turning
// it on lowers exposure (reviewers may); turning it off restores every flag at
// once, so it takes a lead — and in a protected environment two: one asks,
// another approves (or keeps it on, which turns the request down).
import { useState } from "react";
import { setKillSwitchAction } from "@/app/p/[project]/flags/actions";
import { FormMessage } from "@/components/ui/form";
import { ReasonDialog } from "@/components/flags/reason-dialog";
import { badgeClass, buttonStyle } from "@/components/flags/format";
import type { ActionResult } from "@/lib/http/action-result";

export type KillSwitchEnvironment = {
  id: string;
  key: string;
  name: string;
  protected: boolean;
  killSwitchOn: boolean;
  reason: string | null;
  since: string | null;
  flagCount: number;
  mayTurnOn: boolean;
  mayTurnOff: boolean;
  offRequest: { by: string; at: string; reason: string | null; mine: boolean } | null;
};

type Target = { env: KillSwitchEnvironment; on: boolean };

/** What turning it off does here: ask, approve someone's request, or lift at once. */
const offStep = (env: KillSwitchEnvironment) => (!env.protected ? "lift" : env.offRequest && !env.offRequest.mine ? "approve" : "request");

export function KillSwitchPanel({
  projectId,
  environments,
}: {
  projectId: string;
  environments: KillSwitchEnvironment[];
}) {
  const [target, setTarget] = useState<Target | null>(null);
  const [result, setResult] = useState<ActionResult | null>(null);
  const anyOn = environments.some((e) => e.killSwitchOn);

  return (
    <section
      aria-labelledby="kill-switch-heading"
      className={`mb-6 rounded-lg border p-5 ${anyOn ? "border-red-300 bg-red-50" : "border-slate-200 bg-white"}`}
      data-testid="kill-switches"
    >
      <h2 id="kill-switch-heading" className="text-base font-semibold">
        Project kill switch
      </h2>
      <p className="mt-1 text-sm text-slate-600">
        While on in an environment, every flag of this project serves its fallback there, whatever its own
        configuration.
      </p>
      <ul className="mt-4 grid gap-3 sm:grid-cols-2">
        {environments.map((env) => (
          <li
            key={env.id}
            data-testid="kill-switch"
            data-environment={env.key}
            className={`flex flex-wrap items-start justify-between gap-3 rounded-md border bg-white p-3 ${env.killSwitchOn ? "border-red-400" : "border-slate-200"}`}
          >
            <div className="min-w-0">
              <p className="flex flex-wrap items-center gap-2 font-medium">
                {env.name}
                {env.protected ? (
                  <span className={`${badgeClass} bg-slate-100 text-slate-700 ring-slate-400/30`}>protected</span>
                ) : null}
              </p>
              <p
                className={`mt-1 text-sm font-semibold ${env.killSwitchOn ? "text-red-700" : "text-slate-600"}`}
                data-testid="kill-switch-state"
              >
                {env.killSwitchOn ? "Kill switch ON — every flag serves its fallback" : "Kill switch off"}
              </p>
              {env.killSwitchOn && (env.reason || env.since) ? (
                <p className="mt-1 text-xs text-slate-600">
                  {env.since ? `Since ${env.since}` : null}
                  {env.reason ? `${env.since ? ": " : ""}${env.reason}` : null}
                </p>
              ) : null}
              {env.killSwitchOn && env.offRequest ? (
                <p className="mt-1 text-xs text-amber-800" data-testid="kill-switch-request">
                  {env.offRequest.mine ? "You asked" : `${env.offRequest.by} asked`} to lift it ({env.offRequest.at}
                  {env.offRequest.reason ? `: ${env.offRequest.reason}` : ""}).{" "}
                  {env.offRequest.mine ? "Someone else must approve." : "It stays on until a second lead approves."}
                </p>
              ) : null}
            </div>
            {env.killSwitchOn ? (
              env.mayTurnOff ? (
                <div className="flex flex-wrap gap-2">
                  {env.offRequest && !env.offRequest.mine ? (
                    <button type="button" className={buttonStyle.danger} onClick={() => setTarget({ env, on: true })}>
                      Keep it on<span className="sr-only"> in {env.name}</span>
                    </button>
                  ) : null}
                  <button type="button" className={buttonStyle.secondary} onClick={() => setTarget({ env, on: false })}>
                    {{ lift: "Turn off kill switch", request: "Ask to turn off kill switch", approve: "Approve turning off kill switch" }[offStep(env)]}
                    <span className="sr-only"> in {env.name}</span>
                  </button>
                </div>
              ) : null
            ) : env.mayTurnOn ? (
              <button type="button" className={buttonStyle.danger} onClick={() => setTarget({ env, on: true })}>
                Turn on kill switch<span className="sr-only"> in {env.name}</span>
              </button>
            ) : null}
          </li>
        ))}
      </ul>
      {result ? (
        <div className="mt-3">
          <FormMessage state={result} />
        </div>
      ) : null}
      <ReasonDialog
        open={target !== null}
        title={
          !target
            ? ""
            : target.on && target.env.killSwitchOn
              ? `Keep the kill switch in ${target.env.name} on?`
              : `${target.on ? "Turn on" : offStep(target.env) === "request" ? "Ask to turn off" : "Turn off"} the kill switch in ${target.env.name}?`
        }
        confirmLabel={
          !target
            ? ""
            : target.on
              ? target.env.killSwitchOn
                ? "Keep it on"
                : "Turn on kill switch"
              : { lift: "Turn off kill switch", request: "Ask to turn it off", approve: "Approve: turn it off" }[offStep(target.env)]
        }
        danger={target?.on ?? false}
        submit={(form) => setKillSwitchAction(projectId, target!.env.id, target!.on, form)}
        onClose={() => setTarget(null)}
        onDone={(r) => {
          setResult(r);
          setTarget(null);
        }}
      >
        {target?.on && target.env.killSwitchOn ? (
          <p>The request to lift it is turned down; the kill switch stays on. Your reason is recorded.</p>
        ) : target?.on ? (
          <>
            <p className="font-medium text-red-800">
              Every flag of this project ({target.env.flagCount} in {target.env.name}) will serve its fallback in{" "}
              {target.env.name} at once: features behind them turn off for all users there.
            </p>
            <p>Each flag keeps its own configuration and comes back as it was when the kill switch is turned off.</p>
          </>
        ) : target ? (
          <>
            <p className="font-medium">
              Every flag in {target.env.name} serves its own configuration again at once: whatever each one is rolled
              out to becomes live.
            </p>
            <p data-testid="dialog-outcome">
              {{
                lift: "This applies at once.",
                request: `${target.env.name} is protected: this asks, and the kill switch stays on until another lead approves.`,
                approve: `This approves ${target.env.offRequest?.by}'s request and applies at once.`,
              }[offStep(target.env)]}
            </p>
          </>
        ) : null}
      </ReasonDialog>
    </section>
  );
}
