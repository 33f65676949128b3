"use client";
// Every version of a flag, newest first: who, when, why, what changed and the
// exposure it left, with "Revert to this version" on earlier applied ones. A
// revert is a new version, classified like any other change.
import { useId, useState } from "react";
import { revertFlagAction } from "@/app/p/[project]/flags/actions";
import { FormMessage } from "@/components/ui/form";
import { ReasonDialog } from "@/components/flags/reason-dialog";
import { DiffList, Requested, StatusBadge, type DiffLine, type VersionStatus } from "@/components/flags/version-parts";
import { audienceSentences, buttonStyle, outcomeSentence, percent } from "@/components/flags/format";
import type { ChangeImpact } from "@/lib/flags/change-impact";
import type { ActionResult } from "@/lib/http/action-result";

export type HistoryItem = {
  id: string;
  version: number;
  status: VersionStatus;
  current: boolean;
  who: string;
  when: string;
  reason: string;
  ticketUrl: string | null;
  lines: DiffLine[];
  revertOf: number | null;
  exposureBps: number;
  approved: { by: string; at: string } | null;
  /** Set when the actor may restore this version: what restoring it would do. */
  revert: { impact: ChangeImpact; enabledAfter: boolean } | null;
};

export function FlagHistory({
  projectId,
  flagId,
  flagKey,
  currentVersion,
  environment,
  items,
  truncated,
}: {
  projectId: string;
  flagId: string;
  flagKey: string;
  currentVersion: number;
  environment: { name: string; killSwitchOn: boolean };
  items: HistoryItem[];
  truncated: boolean;
}) {
  const id = useId();
  const [target, setTarget] = useState<HistoryItem | null>(null);
  const [result, setResult] = useState<ActionResult | null>(null);

  return (
    <section aria-labelledby={`${id}-heading`} className="rounded-lg border border-slate-200 bg-white p-5">
      <h2 id={`${id}-heading`} className="text-base font-semibold">
        History
      </h2>
      {result ? (
        <div className="mt-3">
          <FormMessage state={result} />
        </div>
      ) : null}
      <ol className="mt-3 divide-y divide-slate-100" data-testid="flag-history">
        {items.map((v) => (
          <li key={v.id} className="py-3" data-testid="history-version" data-version={v.version}>
            <div className="flex flex-wrap items-start justify-between gap-3">
              <div className="min-w-0">
                <p className="flex flex-wrap items-center gap-2">
                  <span className="font-medium">Version {v.version}</span>
                  <StatusBadge status={v.status} />
                  {v.current ? <span className="text-xs font-semibold text-green-800">current</span> : null}
                  <span className="text-xs text-slate-500">exposure {percent(v.exposureBps)}</span>
                </p>
                <Requested who={v.who} when={v.when} reason={v.reason} ticketUrl={v.ticketUrl} />
                {v.revertOf ? <p className="mt-1 text-xs text-slate-600">Restores version {v.revertOf}.</p> : null}
                <DiffList lines={v.lines} />
                {v.approved ? (
                  <p className="mt-1 text-xs text-slate-600">
                    Approved by {v.approved.by} · <time>{v.approved.at}</time>
                  </p>
                ) : null}
              </div>
              {v.revert ? (
                <button type="button" className={buttonStyle.secondary} onClick={() => setTarget(v)}>
                  Revert to this version<span className="sr-only"> ({v.version})</span>
                </button>
              ) : null}
            </div>
          </li>
        ))}
      </ol>
      {truncated ? <p className="mt-2 text-xs text-slate-500">Older versions are not shown.</p> : null}
      <ReasonDialog
        open={target !== null}
        title={`Revert ${flagKey} to version ${target?.version ?? ""}?`}
        confirmLabel={target?.revert?.impact.outcome === "needs_approval" ? "Request approval" : "Revert"}
        hiddenFields={{ expectedVersion: String(currentVersion) }}
        submit={(form) => revertFlagAction(projectId, flagId, target!.version, form)}
        onClose={() => setTarget(null)}
        onDone={(r) => {
          setResult(r);
          setTarget(null);
        }}
      >
        {target?.revert ? (
          <>
            <p>
              A new version restores the configuration of version {target.version}; the history keeps everything in
              between.
            </p>
            {audienceSentences(target.revert.impact, {
              enabledAfter: target.revert.enabledAfter,
              killSwitchOn: environment.killSwitchOn,
            }).map((s) => (
              <p key={s}>{s}</p>
            ))}
            <p className="font-medium" data-testid="dialog-outcome">
              {outcomeSentence(target.revert.impact, environment.name)}
            </p>
          </>
        ) : null}
      </ReasonDialog>
    </section>
  );
}
