// How the flag console words states, shares of traffic and changes. Client-safe.
import type { ChangeImpact } from "@/lib/flags/change-impact";
import type { FlagKind, FlagState } from "@/lib/flags/schemas";

export const kindName: Record<FlagKind, string> = {
  KILL_SWITCH: "Kill switch",
  RELEASE: "Release",
  MULTIVARIATE: "Multivariate",
};

/** Basis points as a percentage with at most two decimals: 1250 → "12.5%". */
export function percent(bps: number): string {
  return `${bps / 100}%`;
}

export function stateText(state: FlagState, rolloutBps: number): string {
  if (state === "off") return "off";
  if (state === "on") return "on";
  return `partial · ${percent(rolloutBps)}`;
}

export const stateStyle: Record<FlagState, string> = {
  on: "bg-green-50 text-green-800 ring-green-600/30",
  partial: "bg-amber-50 text-amber-900 ring-amber-600/30",
  off: "bg-slate-100 text-slate-700 ring-slate-500/30",
};

export const badgeClass = "inline-flex items-center rounded px-1.5 py-0.5 text-xs font-medium ring-1 ring-inset";

/** Dates as the same text on the server and in every browser (no locale or time-zone drift between them). */
export function formatInstant(iso: string): string {
  return `${iso.slice(0, 16).replace("T", " ")} UTC`;
}

const buttonBase =
  "inline-flex items-center justify-center rounded-md px-3 py-2 text-sm font-medium shadow-sm focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-600 disabled:opacity-60";
export const buttonStyle = {
  primary: `${buttonBase} bg-brand-600 text-white hover:bg-brand-700`,
  danger: `${buttonBase} bg-red-600 text-white hover:bg-red-700 focus-visible:outline-red-600`,
  dangerOutline: `${buttonBase} border border-red-300 bg-white text-red-800 hover:bg-red-50 focus-visible:outline-red-600`,
  secondary: `${buttonBase} border border-slate-300 bg-white text-slate-700 hover:bg-slate-50`,
} as const;

/**
 * Who a change reaches, in a sentence or two: the share of traffic before and
 * after, and who is newly exposed or no longer exposed.
 */
export function audienceSentences(
  impact: ChangeImpact,
  context: { enabledAfter: boolean; killSwitchOn: boolean },
): string[] {
  const out: string[] = [];
  const { beforeBps, afterBps } = impact;
  if (beforeBps === afterBps) {
    out.push(
      context.enabledAfter
        ? `The share of traffic exposed stays at ${percent(afterBps)}.`
        : `Nobody is exposed before or after this change: the flag stays disabled until someone enables it.`,
    );
  } else {
    out.push(`Traffic exposed goes from ${percent(beforeBps)} to ${percent(afterBps)}.`);
  }
  if (impact.newlyExposedBps > 0) {
    out.push(`${percent(impact.newlyExposedBps)} of traffic is newly exposed; everyone exposed now stays exposed.`);
  }
  if (impact.noLongerExposedBps > 0) {
    out.push(
      `${percent(impact.noLongerExposedBps)} of traffic is no longer exposed and gets the fallback.${impact.subsetOfBefore && afterBps > 0 ? " Bucketing keeps a strict subset: everyone still exposed was exposed before, nobody new meets the feature." : ""}`,
    );
  }
  if (impact.rulesUnaccounted)
    out.push("Targeting rules serve their own audience whatever the rollout; they are not in these figures.");
  if (context.killSwitchOn)
    out.push(
      "The environment kill switch is on: every flag here serves its fallback until it is turned off, whatever this change.",
    );
  return out;
}

export function outcomeSentence(impact: ChangeImpact, environmentName: string): string {
  switch (impact.outcome) {
    case "applies":
      return "This applies at once.";
    case "needs_approval":
      return `${environmentName} is protected and this widens exposure: it waits for a second person's approval and changes nothing until then.`;
    case "not_allowed":
      return "Your role may only lower exposure: this change will be refused.";
    case "unchanged":
      return "This changes nothing.";
  }
}

type Condition = { attribute: string; op: "in" | "not_in"; values: string[] };
type RuleLike = { id: string; description?: string; conditions: Condition[]; variant: string };

const MAX_LISTED = 5;

export function conditionText(c: Condition): string {
  const listed = c.values.slice(0, MAX_LISTED).join(", ");
  const more = c.values.length > MAX_LISTED ? ` and ${c.values.length - MAX_LISTED} more` : "";
  return `${c.attribute} ${c.op === "in" ? "is one of" : "is none of"} ${listed}${more}`;
}

export function ruleText(r: RuleLike): string {
  return `${r.description ? `${r.description}: ` : ""}if ${r.conditions.map(conditionText).join(" and ")}, serve ${r.variant}`;
}

function shortJson(value: unknown): string {
  const text = JSON.stringify(value) ?? "nothing";
  return text.length > 80 ? `${text.slice(0, 79)}…` : text;
}

function configSummary(config: unknown): string {
  const c = config as { enabled?: unknown; rolloutBps?: unknown } | null;
  if (!c || typeof c.enabled !== "boolean") return shortJson(config);
  return `${c.enabled ? "enabled" : "disabled"}${typeof c.rolloutBps === "number" ? `, rollout ${percent(c.rolloutBps)}` : ""}`;
}

/** One line of a version's diff, as a person reads it. */
export function changeText(change: { path: string; before: unknown; after: unknown }): string {
  const { path, before, after } = change;
  if (path === "") return `created: ${configSummary(after)}`;
  if (path === "enabled") return after ? "enabled" : "disabled";
  if (path === "rolloutBps") return `rollout ${percent(Number(before))} → ${percent(Number(after))}`;
  if (path === "defaultVariant") return `default variant ${String(before)} → ${String(after)}`;
  if (path === "fallbackVariant") return `fallback variant ${String(before)} → ${String(after)}`;
  if (path === "rulesOrder") return "targeting rules reordered";
  const [part, ...rest] = path.split(".");
  const name = rest.join(".");
  if (part === "rules") {
    if (!before) return `rule “${name}” added: ${ruleText(after as RuleLike)}`;
    if (!after) return `rule “${name}” removed`;
    return `rule “${name}” now: ${ruleText(after as RuleLike)}`;
  }
  if (part === "variants") {
    if (before === undefined) return `variant ${name} added (${shortJson(after)})`;
    if (after === undefined) return `variant ${name} removed`;
    return `variant ${name} ${shortJson(before)} → ${shortJson(after)}`;
  }
  if (part === "prerequisites") {
    if (before === null) return `needs ${name} to be ${String(after)}`;
    if (after === null) return `no longer needs ${name}`;
    return `needs ${name} to be ${String(after)} (was ${String(before)})`;
  }
  return `${path}: ${shortJson(before)} → ${shortJson(after)}`;
}

export const effectStyle = {
  narrowing: "bg-green-50 text-green-800 ring-green-600/30",
  widening: "bg-amber-50 text-amber-900 ring-amber-600/30",
  neutral: "bg-slate-100 text-slate-700 ring-slate-400/30",
  unchanged: "bg-slate-100 text-slate-700 ring-slate-400/30",
} as const;
