// Turns a notification event into one delivery per subscribed webhook
// endpoint of the project. Idempotent per (event, endpoint); sending, retries
// and signatures belong to the delivery worker (lib/webhooks).
import "server-only";
import { db } from "@/lib/db";

/** The ids of the event's deliveries still waiting to be sent (created now, or by an earlier run that did not get to enqueue them). */
export async function fanOutNotification(eventKey: string, event: { type: string; projectId: string } & Record<string, unknown>): Promise<string[]> {
  const endpoints = await db().webhookEndpoint.findMany({
    where: { projectId: event.projectId, enabled: true, OR: [{ events: { isEmpty: true } }, { events: { has: event.type } }] },
    select: { id: true },
  });
  if (endpoints.length === 0) return [];
  const keys = endpoints.map((e) => `${eventKey}:${e.id}`);
  await db().webhookDelivery.createMany({
    data: endpoints.map((e, i) => ({
      endpointId: e.id,
      projectId: event.projectId,
      event: event.type,
      payload: event as object,
      idempotencyKey: keys[i]!,
    })),
    skipDuplicates: true,
  });
  const pending = await db().webhookDelivery.findMany({ where: { idempotencyKey: { in: keys }, status: "PENDING" }, select: { id: true } });
  return pending.map((d) => d.id);
}
