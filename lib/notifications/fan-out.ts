// Turns a notification event into one delivery per subscribed webhook
// endpoint of the project. Idempotent per (event, endpoint); sending, retries
// and signatures belong to the delivery worker.
import "server-only";
import { db } from "@/lib/db";

export async function fanOutNotification(eventKey: string, event: { type: string; projectId: string } & Record<string, unknown>) {
  const endpoints = await db().webhookEndpoint.findMany({
    where: { projectId: event.projectId, enabled: true, OR: [{ events: { isEmpty: true } }, { events: { has: event.type } }] },
    select: { id: true },
  });
  if (endpoints.length === 0) return 0;
  const { count } = await db().webhookDelivery.createMany({
    data: endpoints.map((e) => ({
      endpointId: e.id,
      projectId: event.projectId,
      event: event.type,
      payload: event as object,
      idempotencyKey: `${eventKey}:${e.id}`,
    })),
    skipDuplicates: true,
  });
  return count;
}
