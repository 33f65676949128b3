// What a new project starts with. The SLA targets are the ones the triage
// issue specifies; environments follow the usual production/staging split.
import type { Severity } from "@/lib/generated/prisma/client.ts";

export const defaultEnvironments = [
  { key: "production", name: "Production", protected: true },
  { key: "staging", name: "Staging", protected: false },
] as const;

const HOUR = 3600;

export const defaultSlaPolicies: { severity: Severity; firstTriageSeconds: number; resolutionSeconds: number }[] = [
  { severity: "SEV1", firstTriageSeconds: HOUR / 2, resolutionSeconds: 4 * HOUR },
  { severity: "SEV2", firstTriageSeconds: 4 * HOUR, resolutionSeconds: 24 * HOUR },
  { severity: "SEV3", firstTriageSeconds: 24 * HOUR, resolutionSeconds: 72 * HOUR },
  { severity: "SEV4", firstTriageSeconds: 72 * HOUR, resolutionSeconds: 7 * 24 * HOUR },
];
