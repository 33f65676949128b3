import type { Metadata } from "next";
import { projectPage } from "@/lib/auth/page-access";
import { listWebhookEndpoints } from "@/lib/webhooks/list-webhook-endpoints";
import { listWebhookDeliveries } from "@/lib/webhooks/list-webhook-deliveries";
import { PageHeader } from "@/components/ui/page-header";
import { WebhooksPanel } from "@/components/webhooks/webhooks-panel";
import { DeadLetters } from "@/components/webhooks/dead-letters";
import type { DeliveryRow } from "@/components/webhooks/format";

export const metadata: Metadata = { title: "Webhooks" };

const RECENT_PER_ENDPOINT = 10;
const DEAD_LETTERS_SHOWN = 100;
/** Payloads are shown as text; a huge one is cut rather than sent whole to the browser. */
const PAYLOAD_CHARS = 20_000;

type Delivery = Awaited<ReturnType<typeof listWebhookDeliveries>>[number];

const rowOf = (d: Delivery): DeliveryRow => {
  const payload = JSON.stringify(d.payload, null, 2) ?? "";
  return {
    id: d.id,
    event: d.event,
    status: d.status,
    attempts: d.attempts,
    lastStatusCode: d.lastStatusCode,
    lastError: d.lastError,
    createdAt: d.createdAt.toISOString(),
    lastAttemptAt: d.lastAttemptAt?.toISOString() ?? null,
    endpointName: d.endpoint.name,
    payload:
      payload.length > PAYLOAD_CHARS
        ? `${payload.slice(0, PAYLOAD_CHARS)}\n… (${(payload.length - PAYLOAD_CHARS).toLocaleString("en")} more characters)`
        : payload,
  };
};

export default async function WebhooksPage({ params }: { params: Promise<{ project: string }> }) {
  const { project: slug } = await params;
  const { actor, project } = await projectPage(slug, "webhook:manage", `/p/${slug}/admin/webhooks`);
  const [endpoints, dead] = await Promise.all([
    listWebhookEndpoints(actor, project.id),
    listWebhookDeliveries(actor, project.id, { status: "DEAD", limit: DEAD_LETTERS_SHOWN }),
  ]);
  const recent = await Promise.all(
    endpoints.map((e) => listWebhookDeliveries(actor, project.id, { endpointId: e.id, limit: RECENT_PER_ENDPOINT })),
  );

  return (
    <>
      <PageHeader
        title="Webhooks"
        description="Rampart POSTs incident, dry-run and SLA events to these endpoints, signed with each endpoint's secret and retried with backoff. A secret is shown once, when it is created."
      />
      <div className="space-y-6">
        <WebhooksPanel
          projectId={project.id}
          endpoints={endpoints.map((e, i) => ({
            id: e.id,
            name: e.name,
            url: e.url,
            style: e.style,
            events: e.events,
            enabled: e.enabled,
            createdAt: e.createdAt.toISOString(),
            counts: e.deliveries,
            recent: recent[i]!.map(rowOf),
          }))}
        />
        <DeadLetters projectId={project.id} rows={dead.map(rowOf)} limit={DEAD_LETTERS_SHOWN} />
      </div>
    </>
  );
}
