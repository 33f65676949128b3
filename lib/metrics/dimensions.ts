// The dimensions dashboards split by, and each interaction's key in them.
// Safe for both server and client. The SQL twins used for distinct users
// live in rollup.ts (SQL_MODEL_KEY, SQL_TEMPLATE_KEY); a test keeps them equal.

export const DIMENSIONS = ["all", "env", "model", "template", "flag", "region", "device", "platform"] as const;
export type Dimension = (typeof DIMENSIONS)[number];

export const DIMENSION_LABELS: Record<Dimension, string> = {
  all: "Overall",
  env: "Environment",
  model: "Model version",
  template: "Prompt template version",
  flag: "Flag variant",
  region: "Region",
  device: "Device class",
  platform: "Platform",
};

export const UNKNOWN = "(unknown)";
export const NO_TEMPLATE = "(none)";

export type InteractionDims = {
  environmentId: string;
  modelProvider: string;
  modelId: string;
  modelVersion: string | null;
  promptTemplateId: string | null;
  promptTemplateVersion: string | null;
  flagState: unknown;
  region: string | null;
  deviceClass: string | null;
  platform: string | null;
};

export function modelKey(d: Pick<InteractionDims, "modelProvider" | "modelId" | "modelVersion">): string {
  return `${d.modelProvider}/${d.modelId}${d.modelVersion !== null ? `@${d.modelVersion}` : ""}`;
}

export function templateKey(d: Pick<InteractionDims, "promptTemplateId" | "promptTemplateVersion">): string {
  if (d.promptTemplateId === null) return NO_TEMPLATE;
  return `${d.promptTemplateId}${d.promptTemplateVersion !== null ? `@${d.promptTemplateVersion}` : ""}`;
}

/** `flag=variant` for each flag in a snapshot; the value stands in when there is no variant name. */
export function flagKeys(flagState: unknown): string[] {
  if (flagState === null || typeof flagState !== "object" || Array.isArray(flagState)) return [];
  const out: string[] = [];
  for (const [key, entry] of Object.entries(flagState as Record<string, unknown>)) {
    const e = entry !== null && typeof entry === "object" ? (entry as { variant?: unknown; value?: unknown }) : {};
    // As Postgres reads it: `variant ->> text`, else the value's JSON text.
    const v = e.variant;
    const variant = typeof v === "string" || typeof v === "number" || typeof v === "boolean" ? String(v) : JSON.stringify(e.value ?? null);
    out.push(`${key}=${variant}`);
  }
  return out;
}

export function dimensionsOf(d: InteractionDims): [Dimension, string][] {
  const out: [Dimension, string][] = [
    ["all", ""],
    ["env", d.environmentId],
    ["model", modelKey(d)],
    ["template", templateKey(d)],
    ["region", d.region ?? UNKNOWN],
    ["device", d.deviceClass ?? UNKNOWN],
    ["platform", d.platform ?? UNKNOWN],
  ];
  for (const k of flagKeys(d.flagState)) out.push(["flag", k]);
  return out;
}
