"use client";
// The confirmation every flag change goes through: a modal that says what the
// change will do, asks why (required; it goes into the version history and the
// audit trail) and optionally for a ticket link. Approvals ask no reason: the
// request carries it. A native <dialog> opened with
// showModal keeps focus inside, closes on Escape and returns focus to the
// button that opened it.
import { useEffect, useId, useRef, useState, useTransition } from "react";
import { inputClass } from "@/components/ui/form";
import { buttonStyle } from "@/components/flags/format";
import type { ActionResult } from "@/lib/http/action-result";

export function ReasonDialog({
  open,
  title,
  children,
  confirmLabel,
  danger = false,
  askReason = true,
  withTicket = true,
  hiddenFields,
  submit,
  onClose,
  onDone,
}: {
  open: boolean;
  title: string;
  /** What will happen: who is affected, and whether it applies at once. */
  children: React.ReactNode;
  confirmLabel: string;
  danger?: boolean;
  askReason?: boolean;
  withTicket?: boolean;
  /** Extra form fields the action reads (the version the person saw, the new rollout, …). */
  hiddenFields?: Record<string, string>;
  submit: (form: FormData) => Promise<ActionResult>;
  onClose: () => void;
  onDone: (result: ActionResult) => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const id = useId();
  const [result, setResult] = useState<ActionResult | null>(null);
  const [pending, startTransition] = useTransition();

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    else if (!open && dialog.open) dialog.close();
  }, [open]);

  const fieldError = (name: string) => (result && !result.ok ? result.fieldErrors?.[name] : undefined);
  const reasonError = fieldError("reason");
  const ticketError = fieldError("ticketUrl");
  const formError = result && !result.ok && !reasonError && !ticketError ? result.error : null;

  return (
    <dialog
      ref={ref}
      aria-labelledby={`${id}-title`}
      onClose={() => {
        setResult(null);
        onClose();
      }}
      className="m-auto w-full max-w-lg rounded-lg p-0 shadow-xl backdrop:bg-slate-900/50"
    >
      <form
        className="space-y-4 p-5"
        onSubmit={(e) => {
          e.preventDefault();
          const formElement = e.currentTarget;
          const form = new FormData(formElement);
          startTransition(async () => {
            const r = await submit(form);
            if (r.ok) {
              formElement.reset();
              onDone(r);
            } else setResult(r);
          });
        }}
      >
        <h2 id={`${id}-title`} className="text-base font-semibold">
          {title}
        </h2>
        <div className="space-y-2 text-sm text-slate-700" data-testid="dialog-consequence">
          {children}
        </div>
        {Object.entries(hiddenFields ?? {}).map(([name, value]) => (
          <input key={name} type="hidden" name={name} value={value} />
        ))}
        {askReason ? (
          <div className="space-y-1">
            <label htmlFor={`${id}-reason`} className="block text-sm font-medium text-slate-700">
              Reason (required)
            </label>
            <textarea
              id={`${id}-reason`}
              name="reason"
              required
              rows={2}
              maxLength={2000}
              autoFocus
              className={inputClass}
              aria-invalid={!!reasonError}
              aria-describedby={reasonError ? `${id}-reason-error` : undefined}
            />
            {reasonError ? (
              <p id={`${id}-reason-error`} className="text-xs text-red-700">
                {reasonError}
              </p>
            ) : null}
          </div>
        ) : null}
        {askReason && withTicket ? (
          <div className="space-y-1">
            <label htmlFor={`${id}-ticket`} className="block text-sm font-medium text-slate-700">
              Ticket link (optional)
            </label>
            <input
              id={`${id}-ticket`}
              name="ticketUrl"
              type="url"
              maxLength={2000}
              placeholder="https://…"
              className={inputClass}
              aria-invalid={!!ticketError}
              aria-describedby={ticketError ? `${id}-ticket-error` : undefined}
            />
            {ticketError ? (
              <p id={`${id}-ticket-error`} className="text-xs text-red-700">
                {ticketError}
              </p>
            ) : null}
          </div>
        ) : null}
        {formError ? (
          <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
            {formError}
          </p>
        ) : null}
        <div className="flex justify-end gap-2">
          <button type="button" className={buttonStyle.secondary} onClick={() => ref.current?.close()}>
            Cancel
          </button>
          <button type="submit" disabled={pending} className={danger ? buttonStyle.danger : buttonStyle.primary}>
            {pending ? "Working…" : confirmLabel}
          </button>
        </div>
      </form>
    </dialog>
  );
}
