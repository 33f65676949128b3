"use client";
// A live SLA countdown. Every badge on the page shares one timer that ticks
// each second; the first render uses the server's clock so that hydration
// matches, then the browser's.
import { useSyncExternalStore } from "react";
import { countdown, type SlaState } from "@/lib/review/sla-countdown";

let now = Date.now();
let timer: ReturnType<typeof setInterval> | undefined;
const listeners = new Set<() => void>();

function subscribe(listener: () => void) {
  listeners.add(listener);
  now = Date.now();
  timer ??= setInterval(() => {
    now = Date.now();
    for (const l of listeners) l();
  }, 1000);
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer) {
      clearInterval(timer);
      timer = undefined;
    }
  };
}

const styles: Record<SlaState, string> = {
  normal: "bg-slate-100 text-slate-800",
  at_risk: "bg-amber-100 text-amber-900 ring-1 ring-amber-300",
  breached: "bg-red-100 text-red-900 ring-1 ring-red-300",
  paused: "bg-slate-100 text-slate-600 italic",
  none: "bg-slate-50 text-slate-500",
};

export type SlaBadgeProps = {
  /** The deadline the item is racing (ISO), and when its window opened. */
  deadline: { kind: "first_triage" | "resolution"; due: string; start: string } | null;
  paused: boolean;
  serverNow: number;
};

export function SlaBadge({ deadline, paused, serverNow }: SlaBadgeProps) {
  const current = useSyncExternalStore(subscribe, () => now, () => serverNow);
  const c = countdown(deadline && { kind: deadline.kind, due: Date.parse(deadline.due), start: Date.parse(deadline.start) }, current, paused);
  const shown = c.state === "at_risk" ? `At risk · ${c.text}` : c.state === "normal" ? `${c.text} left` : c.text;
  return (
    <span role="timer" aria-label={c.label} title={c.label} data-sla-state={c.state} className={`inline-block rounded-full px-2 py-0.5 font-mono text-xs whitespace-nowrap tabular-nums ${styles[c.state]}`}>
      {shown}
    </span>
  );
}
