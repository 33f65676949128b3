// How the exports page words sizes, durations and statuses. Client-safe.

export function formatBytes(bytes: number | null): string {
  if (bytes === null) return "—";
  if (bytes < 1024) return `${bytes} B`;
  const units = ["KB", "MB", "GB", "TB"];
  let v = bytes / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[u]}`;
}

export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${Math.max(1, Math.round(seconds))} s`;
  const m = Math.floor(seconds / 60);
  if (m < 60) return `${m} min ${Math.round(seconds % 60)} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** Seconds left at the rate so far; null until there is a rate to go by. */
export function etaSeconds(
  p: { scanned: number; total: number | null; startedAt: Date | null },
  now: Date,
): number | null {
  if (!p.startedAt || !p.total || p.scanned <= 0) return null;
  const elapsed = (now.getTime() - p.startedAt.getTime()) / 1000;
  if (elapsed <= 0) return null;
  return Math.max(0, (p.total - p.scanned) / (p.scanned / elapsed));
}

export const statusText = {
  QUEUED: "Queued",
  RUNNING: "Running",
  SUCCEEDED: "Ready",
  FAILED: "Failed",
  CANCELLED: "Cancelled",
} as const;

export const statusStyle = {
  QUEUED: "bg-slate-100 text-slate-700 ring-slate-500/30",
  RUNNING: "bg-blue-50 text-blue-800 ring-blue-600/30",
  SUCCEEDED: "bg-green-50 text-green-800 ring-green-600/30",
  FAILED: "bg-red-50 text-red-800 ring-red-600/30",
  CANCELLED: "bg-slate-100 text-slate-600 ring-slate-400/30",
} as const;
