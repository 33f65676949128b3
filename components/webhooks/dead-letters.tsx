"use client";
// The dead-letter list: deliveries that used up their retries or that the
// receiver refused outright. Each can be sent again by hand, with a fresh
// round of retries and the same idempotency key.
import { useState, useTransition } from "react";
import { retryWebhookDeliveryAction } from "@/app/p/[project]/admin/webhooks/actions";
import { FormMessage } from "@/components/ui/form";
import { EmptyState } from "@/components/ui/empty-state";
import { buttonStyle } from "@/components/flags/format";
import { DeliveryTable } from "@/components/webhooks/delivery-table";
import type { DeliveryRow } from "@/components/webhooks/format";
import type { ActionResult } from "@/lib/http/action-result";

export function DeadLetters({ projectId, rows, limit }: { projectId: string; rows: DeliveryRow[]; limit: number }) {
  const [result, setResult] = useState<ActionResult | null>(null);
  const [pending, startTransition] = useTransition();
  const [retrying, setRetrying] = useState<string | null>(null);
  return (
    <section
      aria-labelledby="dead-letters-heading"
      className="rounded-lg border border-slate-200 bg-white p-5"
      data-testid="dead-letters"
    >
      <h2 id="dead-letters-heading" className="text-base font-semibold">
        Dead letters
      </h2>
      <p className="mt-1 mb-4 text-sm text-slate-600">
        Deliveries that failed every retry (8 attempts over about 10 minutes) or that the receiver refused outright (a
        4xx other than 408, 425 or 429). Fix the receiver, then send them again.
      </p>
      {result ? (
        <div className="mb-3">
          <FormMessage state={result} />
        </div>
      ) : null}
      {rows.length === 0 ? (
        <EmptyState title="No dead letters">Every delivery so far was accepted or is still being retried.</EmptyState>
      ) : (
        <>
          <DeliveryTable
            rows={rows}
            caption="Dead-lettered deliveries"
            showEndpoint
            action={(d) => (
              <button
                type="button"
                disabled={pending}
                className={buttonStyle.secondary}
                aria-label={`Retry the ${d.event} delivery to ${d.endpointName}`}
                onClick={() => {
                  setRetrying(d.id);
                  startTransition(async () => {
                    setResult(await retryWebhookDeliveryAction(projectId, d.id));
                    setRetrying(null);
                  });
                }}
              >
                {pending && retrying === d.id ? "Working…" : "Retry"}
              </button>
            )}
          />
          {rows.length >= limit ? (
            <p className="mt-2 text-xs text-slate-500">
              The newest {limit} are shown; retry or fix these and the older ones appear.
            </p>
          ) : null}
        </>
      )}
    </section>
  );
}
