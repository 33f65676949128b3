// What the services hand out about an endpoint: never the sealed secret.
import "server-only";
import type { WebhookEndpoint } from "@/lib/generated/prisma/client.ts";

export type WebhookEndpointView = Omit<WebhookEndpoint, "secretEnc">;

export const endpointViewSelect = { id: true, projectId: true, name: true, url: true, style: true, events: true, enabled: true, createdAt: true } as const;

export function endpointView(row: WebhookEndpoint): WebhookEndpointView {
  const { secretEnc: _secret, ...view } = row;
  return view;
}
