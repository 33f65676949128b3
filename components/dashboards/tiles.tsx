import type { Tile } from "@/lib/metrics/dashboards/types";
import { formatCell } from "@/components/dashboards/format";

export function Tiles({ tiles }: { tiles: Tile[] }) {
  if (tiles.length === 0) return null;
  return (
    <dl className="mb-6 grid grid-cols-1 gap-3 sm:grid-cols-2 lg:grid-cols-4">
      {tiles.map((t) => (
        <div key={t.label} className="rounded-lg border border-slate-200 bg-white p-4" data-testid="tile">
          <dt className="text-sm text-slate-600">{t.label}</dt>
          <dd className="mt-1 text-2xl font-semibold tabular-nums">{formatCell(t.value, t.format)}</dd>
          {t.hint ? <dd className="mt-1 text-xs text-slate-500">{t.hint}</dd> : null}
        </div>
      ))}
    </dl>
  );
}
