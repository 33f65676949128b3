// Incident statuses in order. Client-safe. Automation often mitigates before
// anyone acknowledges, so a status only ever moves forward: acknowledging a
// mitigated incident records the acknowledgement and leaves it mitigated.
export const incidentStatuses = ["OPEN", "ACKNOWLEDGED", "MITIGATED", "RESOLVED"] as const;
export type IncidentStatus = (typeof incidentStatuses)[number];

export function advanceStatus(current: IncidentStatus, to: IncidentStatus): IncidentStatus {
  return incidentStatuses.indexOf(to) > incidentStatuses.indexOf(current) ? to : current;
}
