"use client";
// Changes waiting for a second person. Someone with flag:approve who did not
// ask may approve (the change applies at once) or reject it with a reason; a
// request the flag has moved past can only be rejected and asked for again.
import { useId, useState } from "react";
import { approveFlagVersionAction, rejectFlagVersionAction } from "@/app/p/[project]/flags/actions";
import { FormMessage } from "@/components/ui/form";
import { ReasonDialog } from "@/components/flags/reason-dialog";
import { DiffList, Requested, type DiffLine } from "@/components/flags/version-parts";
import { audienceSentences, buttonStyle } from "@/components/flags/format";
import type { ChangeImpact } from "@/lib/flags/change-impact";
import type { ActionResult } from "@/lib/http/action-result";

export type PendingItem = {
  id: string;
  version: number;
  who: string;
  when: string;
  reason: string;
  ticketUrl: string | null;
  lines: DiffLine[];
  /** Against the applied configuration, as if approved now. */
  impact: ChangeImpact;
  enabledAfter: boolean;
  superseded: boolean;
  canDecide: boolean;
  mine: boolean;
};

export function PendingApprovals({
  projectId,
  flagKey,
  items,
  killSwitchOn,
  mayApprove,
}: {
  projectId: string;
  flagKey: string;
  items: PendingItem[];
  killSwitchOn: boolean;
  mayApprove: boolean;
}) {
  const id = useId();
  const [dialog, setDialog] = useState<{ item: PendingItem; decision: "approve" | "reject" } | null>(null);
  const [result, setResult] = useState<ActionResult | null>(null);
  if (items.length === 0 && !result) return null;

  return (
    <section
      aria-labelledby={`${id}-heading`}
      className="rounded-lg border border-amber-300 bg-amber-50 p-5"
      data-testid="pending-approvals"
    >
      <h2 id={`${id}-heading`} className="text-base font-semibold">
        Pending approvals
      </h2>
      {items.length ? (
        <p className="mt-1 text-sm text-slate-700">
          These change nothing until a second person with approval rights approves them.
        </p>
      ) : null}
      <ul className="mt-3 space-y-3">
        {items.map((item) => (
          <li
            key={item.id}
            className="rounded-md border border-amber-200 bg-white p-3"
            data-testid="pending-version"
            data-version={item.version}
          >
            <div className="flex flex-wrap items-start justify-between gap-3">
              <div className="min-w-0">
                <p className="font-medium">Version {item.version}</p>
                <Requested who={item.who} when={item.when} reason={item.reason} ticketUrl={item.ticketUrl} />
                <DiffList lines={item.lines} />
                <p className="mt-2 text-sm text-slate-700">
                  {audienceSentences(item.impact, { enabledAfter: item.enabledAfter, killSwitchOn }).join(" ")}
                </p>
                {item.superseded ? (
                  <p className="mt-2 text-sm font-medium text-amber-900">
                    The flag changed since this was requested: it can only be rejected (and asked for again).
                  </p>
                ) : null}
                {item.mine ? (
                  <p className="mt-2 text-sm text-slate-600">Your request: someone else must decide on it.</p>
                ) : null}
                {!item.mine && !mayApprove ? (
                  <p className="mt-2 text-sm text-slate-600">A lead or admin decides on it.</p>
                ) : null}
              </div>
              {item.canDecide ? (
                <div className="flex gap-2">
                  {!item.superseded ? (
                    <button
                      type="button"
                      className={buttonStyle.primary}
                      onClick={() => setDialog({ item, decision: "approve" })}
                    >
                      Approve<span className="sr-only"> version {item.version}</span>
                    </button>
                  ) : null}
                  <button
                    type="button"
                    className={buttonStyle.secondary}
                    onClick={() => setDialog({ item, decision: "reject" })}
                  >
                    Reject<span className="sr-only"> version {item.version}</span>
                  </button>
                </div>
              ) : null}
            </div>
          </li>
        ))}
      </ul>
      {result ? (
        <div className="mt-3">
          <FormMessage state={result} />
        </div>
      ) : null}
      <ReasonDialog
        open={dialog?.decision === "approve"}
        title={`Approve version ${dialog?.item.version ?? ""} of ${flagKey}?`}
        confirmLabel="Approve"
        askReason={false}
        submit={() => approveFlagVersionAction(projectId, dialog!.item.id)}
        onClose={() => setDialog(null)}
        onDone={(r) => {
          setResult(r);
          setDialog(null);
        }}
      >
        {dialog ? (
          <>
            {audienceSentences(dialog.item.impact, { enabledAfter: dialog.item.enabledAfter, killSwitchOn }).map(
              (s) => (
                <p key={s}>{s}</p>
              ),
            )}
            <p className="font-medium">It applies at once, as requested by {dialog.item.who}.</p>
          </>
        ) : null}
      </ReasonDialog>
      <ReasonDialog
        open={dialog?.decision === "reject"}
        title={`Reject version ${dialog?.item.version ?? ""} of ${flagKey}?`}
        confirmLabel="Reject"
        withTicket={false}
        submit={(form) => rejectFlagVersionAction(projectId, dialog!.item.id, form)}
        onClose={() => setDialog(null)}
        onDone={(r) => {
          setResult(r);
          setDialog(null);
        }}
      >
        <p>Nothing changes: the flag stays as it is, and the request stays in the history as rejected.</p>
      </ReasonDialog>
    </section>
  );
}
