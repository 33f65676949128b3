// What a new project starts with. The SLA targets are the ones the triage
// issue specifies; environments follow the usual production/staging split.
import type { Severity } from "@/lib/generated/prisma/client.ts";

export const defaultEnvironments = [
  { key: "production", name: "Production", protected: true },
  { key: "staging", name: "Staging", protected: false },
] as const;

export const defaultSlaPolicies: { severity: Severity; firstTriageMinutes: number; resolutionMinutes: number }[] = [
  { severity: "SEV1", firstTriageMinutes: 30, resolutionMinutes: 4 * 60 },
  { severity: "SEV2", firstTriageMinutes: 4 * 60, resolutionMinutes: 24 * 60 },
  { severity: "SEV3", firstTriageMinutes: 24 * 60, resolutionMinutes: 72 * 60 },
  { severity: "SEV4", firstTriageMinutes: 72 * 60, resolutionMinutes: 7 * 24 * 60 },
];
