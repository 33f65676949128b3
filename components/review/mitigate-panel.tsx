"use client";
// "Mitigate": the flags of the item's snapshot as they stand now, with a
// one-step kill and rollout cut for each. Both only narrow exposure, so they
// apply at once (no approval) and are audited on the flag and on the item.
import { useActionState, useState, useTransition } from "react";
import { mitigateAction } from "@/app/p/[project]/queue/[itemId]/actions";
import { FormMessage, inputClass } from "@/components/ui/form";
import { idleResult, type ActionResult } from "@/lib/http/action-result";

export type MitigateFlag = {
  key: string;
  kind: "KILL_SWITCH" | "RELEASE" | "MULTIVARIATE";
  state: "on" | "off" | "partial";
  rolloutPercent: number;
  version: number;
  welded: boolean;
};

/** What a cut leaves: half the rollout in basis points, rounded down (lib/flags/cut-rollout.ts). */
const halved = (percent: number) => Math.floor((percent * 100) / 2) / 100;

export function MitigatePanel({
  projectId,
  itemId,
  environment,
  flags,
  unmanaged,
  mayNarrow,
  defaultReason,
}: {
  projectId: string;
  itemId: string;
  environment: { id: string; name: string; killSwitchOn: boolean };
  flags: MitigateFlag[];
  /** Snapshot keys Rampart does not hold: shown so the reviewer knows why they have no buttons. */
  unmanaged: string[];
  mayNarrow: boolean;
  defaultReason: string;
}) {
  const [state, action] = useActionState(mitigateAction.bind(null, projectId, itemId), idleResult as ActionResult);
  const [pending, startTransition] = useTransition();
  const [reason, setReason] = useState(defaultReason);
  const submit = (flagKey: string, mitigation: "kill" | "cut_rollout") => {
    const data = new FormData();
    data.set("flagKey", flagKey);
    data.set("mitigation", mitigation);
    data.set("environmentId", environment.id);
    data.set("reason", reason);
    startTransition(() => action(data));
  };

  return (
    <div className="space-y-3" data-testid="mitigate-panel">
      <p className="text-xs text-slate-600">
        In {environment.name}
        {environment.killSwitchOn ? <span className="font-medium text-red-700"> — the environment kill switch is on</span> : null}. Killing or cutting applies at once and is
        recorded on the flag and on this item.
      </p>
      {mayNarrow ? (
        <div className="space-y-1">
          <label htmlFor="mitigate-reason" className="block text-xs font-medium text-slate-600">
            Reason (required)
          </label>
          <input id="mitigate-reason" value={reason} onChange={(e) => setReason(e.target.value)} maxLength={500} className={inputClass} />
        </div>
      ) : null}
      <ul className="divide-y divide-slate-100">
        {flags.map((f) => (
          <li key={f.key} className="flex flex-wrap items-center justify-between gap-2 py-2" data-testid="mitigate-flag" data-flag-key={f.key}>
            <div className="min-w-0">
              <p className="font-mono text-xs break-all">{f.key}</p>
              <p className="text-xs text-slate-600">
                {f.state === "off" ? "off" : f.kind === "KILL_SWITCH" ? "on" : `on for ${f.rolloutPercent}%`} · v{f.version}
                {f.welded ? " · welded off" : ""}
              </p>
            </div>
            {mayNarrow && f.state !== "off" ? (
              <div className="flex gap-2">
                <button
                  type="button"
                  disabled={pending || reason.trim().length < 3}
                  onClick={() => submit(f.key, "kill")}
                  className="rounded-md bg-red-600 px-2.5 py-1 text-xs font-medium text-white hover:bg-red-700 disabled:opacity-60"
                  aria-label={`Kill ${f.key}`}
                >
                  Kill
                </button>
                {f.kind !== "KILL_SWITCH" && f.rolloutPercent > 0 ? (
                  <button
                    type="button"
                    disabled={pending || reason.trim().length < 3}
                    onClick={() => submit(f.key, "cut_rollout")}
                    className="rounded-md border border-red-300 px-2.5 py-1 text-xs font-medium text-red-800 hover:bg-red-50 disabled:opacity-60"
                    aria-label={`Cut ${f.key} rollout to ${halved(f.rolloutPercent)}%`}
                  >
                    Cut to {halved(f.rolloutPercent)}%
                  </button>
                ) : null}
              </div>
            ) : null}
          </li>
        ))}
      </ul>
      {unmanaged.length ? <p className="text-xs text-slate-500">Not managed in Rampart: {unmanaged.join(", ")}.</p> : null}
      <FormMessage state={state} />
    </div>
  );
}
