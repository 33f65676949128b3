// How dashboard figures read. Client-safe.
import type { Cell, Format } from "@/lib/metrics/dashboards/types";

export function formatDurationS(s: number): string {
  if (s < 60) return `${Math.round(s)} s`;
  if (s < 3600) return `${Math.round(s / 60)} min`;
  if (s < 86_400) return `${(s / 3600).toFixed(s < 36_000 ? 1 : 0)} h`;
  return `${(s / 86_400).toFixed(1)} d`;
}

export function formatCell(v: Cell, format: Format): string {
  if (v === null || v === undefined) return "—";
  if (typeof v === "string") return format === "time" ? formatTime(v) : v;
  switch (format) {
    case "int":
      return Math.round(v).toLocaleString("en");
    case "rate1k":
      return v.toLocaleString("en", { maximumFractionDigits: 2 });
    case "pct":
      return `${(v * 100).toLocaleString("en", { maximumFractionDigits: 1 })} %`;
    case "ms":
      return `${Math.round(v).toLocaleString("en")} ms`;
    case "usd":
      return `$${v.toLocaleString("en", { maximumFractionDigits: v < 1 ? 6 : 2 })}`;
    case "duration":
      return formatDurationS(v);
    default:
      return v.toLocaleString("en", { maximumFractionDigits: 4 });
  }
}

export function formatTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toISOString().slice(0, 16).replace("T", " ") + " UTC";
}

/** Short tick labels for a time axis: the date for day steps, else the time. */
export function formatTick(iso: string, stepMs: number): string {
  const s = new Date(iso).toISOString();
  return stepMs >= 86_400_000 ? s.slice(5, 10) : stepMs >= 3_600_000 ? `${s.slice(5, 10)} ${s.slice(11, 16)}` : s.slice(11, 16);
}
