// The notification events a webhook endpoint can subscribe to. Client-safe:
// the console's endpoint form lists them from here.
export const incidentEventTypes = ["incident.opened", "incident.updated", "incident.acknowledged", "incident.mitigated", "incident.resolved"] as const;
export type IncidentEventType = (typeof incidentEventTypes)[number];

export const webhookEventTypes = [...incidentEventTypes, "rule.dry_run", "sla.at_risk", "sla.breached"] as const;
export type WebhookEventType = (typeof webhookEventTypes)[number];
