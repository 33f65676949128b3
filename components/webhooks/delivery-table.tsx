// Deliveries with their state, attempts and the receiver's last answer. URLs,
// errors and payloads come from outside and are rendered as text only.
import { badgeClass } from "@/components/flags/format";
import { formatTime } from "@/components/incidents/format";
import { deliveryStatusName, deliveryStatusStyle, type DeliveryRow } from "@/components/webhooks/format";

export function DeliveryTable({
  rows,
  caption,
  showEndpoint = false,
  action,
}: {
  rows: DeliveryRow[];
  caption: string;
  showEndpoint?: boolean;
  /** A control per row (the dead-letter list's retry). */
  action?: (row: DeliveryRow) => React.ReactNode;
}) {
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-left text-sm">
        <caption className="sr-only">{caption}</caption>
        <thead className="text-xs text-slate-500 uppercase">
          <tr>
            <th scope="col" className="py-2 pr-3">
              Event
            </th>
            {showEndpoint ? (
              <th scope="col" className="py-2 pr-3">
                Endpoint
              </th>
            ) : null}
            <th scope="col" className="py-2 pr-3">
              Status
            </th>
            <th scope="col" className="py-2 pr-3">
              Attempts
            </th>
            <th scope="col" className="py-2 pr-3">
              Last answer
            </th>
            <th scope="col" className="py-2 pr-3">
              Created
            </th>
            {action ? (
              <th scope="col" className="py-2">
                <span className="sr-only">Actions</span>
              </th>
            ) : null}
          </tr>
        </thead>
        <tbody>
          {rows.map((d) => (
            <tr
              key={d.id}
              className="border-t border-slate-100 align-top"
              data-testid="delivery-row"
              data-status={d.status}
              data-event={d.event}
            >
              <td className="py-2 pr-3">
                <code className="text-xs">{d.event}</code>
                <details className="mt-1">
                  <summary className="cursor-pointer text-xs text-brand-700">Payload</summary>
                  <pre className="mt-1 max-h-64 max-w-xl overflow-auto rounded bg-slate-50 p-2 text-xs whitespace-pre-wrap">
                    {d.payload}
                  </pre>
                </details>
              </td>
              {showEndpoint ? <td className="py-2 pr-3 break-words">{d.endpointName}</td> : null}
              <td className="py-2 pr-3">
                <span className={`${badgeClass} ${deliveryStatusStyle[d.status] ?? ""}`}>
                  {deliveryStatusName[d.status] ?? d.status}
                </span>
              </td>
              <td className="py-2 pr-3 tabular-nums" data-testid="delivery-attempts">
                {d.attempts}
              </td>
              <td className="max-w-sm py-2 pr-3 text-xs break-words text-slate-700">
                {d.lastError ?? (d.lastStatusCode ? `HTTP ${d.lastStatusCode}` : "—")}
                {d.lastAttemptAt ? (
                  <span className="block text-slate-500">at {formatTime(d.lastAttemptAt)}</span>
                ) : null}
              </td>
              <td className="py-2 pr-3 text-xs whitespace-nowrap text-slate-600">{formatTime(d.createdAt)}</td>
              {action ? <td className="py-2 text-right">{action(d)}</td> : null}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
