// Welded flags: features that must stay off whatever anyone does at runtime.
// The list is code, so turning one on takes a reviewed commit and a deploy;
// neither the console, the API, automation nor an environment variable can.
// Evaluation serves their fallback before looking at anything else, the
// change services refuse to enable them (409), and assertNoWeldedOverrides
// stops a process whose environment tries to.
//
// Environment-variable convention for flag overrides: RAMPART_FLAG_<KEY>, the
// key upper-cased with every character other than A–Z and 0–9 replaced by
// "_" (raw-model-output → RAMPART_FLAG_RAW_MODEL_OUTPUT). For a welded flag
// only an "off" value (empty, 0, false, off, no, disabled) is tolerated.
export type WeldedFlag = { key: string; reason: string };

export const weldedFlags: readonly WeldedFlag[] = Object.freeze([
  {
    key: "raw-model-output",
    reason: "Model output is never shown without the safety classifiers having seen it.",
  },
]);

const weldedByKey = new Map(weldedFlags.map((f) => [f.key, f]));

export function weldedFlag(key: string): WeldedFlag | undefined {
  return weldedByKey.get(key);
}

export function isWelded(key: string): boolean {
  return weldedByKey.has(key);
}

export function flagEnvVarName(key: string): string {
  return `RAMPART_FLAG_${key.toUpperCase().replace(/[^A-Z0-9]/g, "_")}`;
}

const OFF_VALUES = new Set(["", "0", "false", "off", "no", "disabled"]);

/**
 * What is wrong when the environment sets a welded flag to anything but off
 * (lib/config.ts adds these to its start-up problems, so the app and the
 * worker refuse to start, naming the flag). Names are compared
 * case-insensitively: a near-miss spelling is more likely a mistake than a
 * different setting.
 */
export function weldedOverrideProblems(env: Readonly<Record<string, string | undefined>>): string[] {
  const byName = new Map(weldedFlags.map((f) => [flagEnvVarName(f.key), f]));
  const problems: string[] = [];
  for (const [name, value] of Object.entries(env)) {
    const flag = byName.get(name.toUpperCase());
    if (!flag || value === undefined || OFF_VALUES.has(value.trim().toLowerCase())) continue;
    problems.push(
      `${name}: the flag "${flag.key}" is welded off in lib/flags/welded.ts (${flag.reason}) and no environment variable can enable it; remove the setting`,
    );
  }
  return problems;
}

export function assertNoWeldedOverrides(env: Readonly<Record<string, string | undefined>>): void {
  const problems = weldedOverrideProblems(env);
  if (problems.length > 0) throw new Error(problems.join("\n"));
}
