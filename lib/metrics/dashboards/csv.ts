// A chart's table as CSV (RFC 4180). Cells that a spreadsheet would run as a
// formula are prefixed with a quote: chart data holds client-sent strings
// (model names, flag variants, regions). Client-safe.
import type { Chart } from "@/lib/metrics/dashboards/types";

function cell(v: unknown): string {
  if (v === null || v === undefined) return "";
  let s = typeof v === "number" ? (Number.isFinite(v) ? String(v) : "") : String(v);
  if (/^[=+\-@\t\r]/.test(s) && typeof v !== "number") s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function chartCsv(chart: Chart): string {
  const lines = [chart.columns.map((c) => cell(c.label)).join(",")];
  for (const row of chart.rows) lines.push(chart.columns.map((c) => cell(row[c.key])).join(","));
  return `${lines.join("\r\n")}\r\n`;
}
