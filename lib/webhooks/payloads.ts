// The body each endpoint style receives for a notification event. Pure, no I/O.
//
// GENERIC    { type, idempotencyKey, createdAt, data: <the event> }
// SLACK      an incoming-webhook message: { text, blocks }
// PAGERDUTY  Events API v2: trigger / acknowledge / resolve, deduplicated per
//            incident ("rampart-incident-<id>"), so an incident's updates and
//            its resolution land on one PagerDuty incident.

export type NotificationEvent = { type: string; projectId: string; message?: string; at?: string } & Record<string, unknown>;

type IncidentPart = { id: string; number: number; title: string; status: string; severity: string };
type FlagPart = { key: string; environmentKey: string } | null;

const incidentOf = (e: NotificationEvent) => (e.incident && typeof e.incident === "object" ? (e.incident as IncidentPart) : null);
const flagOf = (e: NotificationEvent) => (e.flag && typeof e.flag === "object" ? (e.flag as FlagPart) : null);

export function headline(e: NotificationEvent): string {
  const incident = incidentOf(e);
  if (incident) {
    const verb = e.type.slice("incident.".length);
    return `INC-${incident.number} ${verb} (${incident.severity}, ${incident.status.toLowerCase()}): ${incident.title}`;
  }
  if (e.type === "rule.dry_run") return `Dry run: a rollback rule would have acted`;
  if (e.type.startsWith("sla.")) return `Triage SLA ${e.type === "sla.breached" ? "breached" : "at risk"} (${String(e.severity ?? "")} item)`;
  return e.type;
}

export function genericBody(e: NotificationEvent, delivery: { idempotencyKey: string; createdAt: Date }) {
  return { type: e.type, idempotencyKey: delivery.idempotencyKey, createdAt: delivery.createdAt.toISOString(), data: e };
}

export function slackBody(e: NotificationEvent) {
  const flag = flagOf(e);
  const text = `${headline(e)}${e.message ? `\n${e.message}` : ""}`;
  const context = [flag ? `flag \`${flag.key}\` in ${flag.environmentKey}` : null, `event \`${e.type}\``].filter((x): x is string => x !== null);
  return {
    text,
    blocks: [
      { type: "section", text: { type: "mrkdwn", text: `*${escapeSlack(headline(e))}*${e.message ? `\n${escapeSlack(e.message)}` : ""}` } },
      { type: "context", elements: context.map((t) => ({ type: "mrkdwn", text: escapeSlack(t) })) },
    ],
  };
}

// Slack treats these as control characters in mrkdwn.
const escapeSlack = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

const PD_SEVERITY: Record<string, "critical" | "error" | "warning" | "info"> = { SEV1: "critical", SEV2: "error", SEV3: "warning", SEV4: "info" };

export const pagerDutyDedupKey = (incidentId: string) => `rampart-incident-${incidentId}`;

export function pagerDutyBody(e: NotificationEvent, routingKey: string, delivery: { idempotencyKey: string }) {
  const incident = incidentOf(e);
  const dedup = incident ? pagerDutyDedupKey(incident.id) : `rampart-${e.type}-${delivery.idempotencyKey}`.slice(0, 255);
  const action = e.type === "incident.acknowledged" ? "acknowledge" : e.type === "incident.resolved" ? "resolve" : "trigger";
  if (action !== "trigger") return { routing_key: routingKey, event_action: action, dedup_key: dedup };
  const flag = flagOf(e);
  const severity = e.type === "rule.dry_run" ? "info" : (PD_SEVERITY[incident?.severity ?? String(e.severity ?? "")] ?? "warning");
  return {
    routing_key: routingKey,
    event_action: action,
    dedup_key: dedup,
    payload: {
      summary: `${headline(e)}${e.message ? ` — ${e.message}` : ""}`.slice(0, 1024),
      source: "rampart",
      severity,
      timestamp: e.at ?? new Date().toISOString(),
      ...(flag ? { component: flag.key, group: flag.environmentKey } : {}),
      class: e.type,
      custom_details: e,
    },
  };
}
