// The state and wording of an SLA countdown badge. Pure; safe for client code
// (the badge re-evaluates it every second).

export type SlaState = "normal" | "at_risk" | "breached" | "paused" | "none";

/** Below this share of its window left, a deadline is at risk. */
export const AT_RISK_SHARE = 0.25;

export type Countdown = { state: SlaState; text: string; label: string };

/**
 * `start` is when the deadline's window opened (item creation, shifted by time
 * spent paused), `due` when it closes.
 */
export function countdown(
  deadline: { kind: "first_triage" | "resolution"; due: number; start: number } | null,
  now: number,
  paused = false,
): Countdown {
  if (!deadline) return { state: "none", text: "No SLA", label: "No SLA deadline" };
  const what = deadline.kind === "first_triage" ? "First triage" : "Resolution";
  if (paused) return { state: "paused", text: "Paused", label: `${what} clock paused while waiting for information` };
  const left = deadline.due - now;
  if (left <= 0) {
    const late = formatDuration(-left);
    return { state: "breached", text: `Breached ${late} ago`, label: `${what} SLA breached ${late} ago` };
  }
  const window = Math.max(deadline.due - deadline.start, 1);
  const state = left / window < AT_RISK_SHARE ? "at_risk" : "normal";
  const rest = formatDuration(left);
  return { state, text: rest, label: `${what} due in ${rest}${state === "at_risk" ? ", at risk" : ""}` };
}

/** 0:42, 12:05, 3h 07m, 2d 04h: seconds only while they matter. */
export function formatDuration(ms: number): string {
  const s = Math.floor(ms / 1000);
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const two = (n: number) => String(n).padStart(2, "0");
  if (d > 0) return `${d}d ${two(h)}h`;
  if (h > 0) return `${h}h ${two(m)}m`;
  return `${m}:${two(sec)}`;
}
