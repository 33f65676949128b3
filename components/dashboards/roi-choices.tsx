// ROI: which flag, and which of its variants is the control (a GET form).
import type { Dashboard } from "@/lib/metrics/dashboards/types";

const selectClass = "mt-0.5 block rounded-md border border-slate-300 px-2 py-1 text-sm";

export function RoiChoices({ choices, query }: { choices: NonNullable<Dashboard["choices"]>; query: string }) {
  if (choices.flags.length === 0) return null;
  const hidden = [...new URLSearchParams(query)];
  return (
    <form method="get" className="mb-6 flex flex-wrap items-end gap-3" aria-label="Flag and control">
      {hidden.map(([k, v]) => (
        <input key={k} type="hidden" name={k} value={v} />
      ))}
      <div>
        <label htmlFor="roi-flag" className="text-xs text-slate-600">
          Flag
        </label>
        <select id="roi-flag" name="flag" defaultValue={choices.flag ?? undefined} className={selectClass}>
          {choices.flags.map((f) => (
            <option key={f} value={f}>
              {f}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label htmlFor="roi-control" className="text-xs text-slate-600">
          Control variant
        </label>
        <select id="roi-control" name="control" defaultValue={choices.control ?? undefined} className={selectClass}>
          {choices.variants.map((v) => (
            <option key={v} value={v}>
              {v}
            </option>
          ))}
        </select>
      </div>
      <button type="submit" className="rounded-md border border-slate-300 px-2.5 py-1 text-sm hover:bg-slate-50">
        Compare
      </button>
    </form>
  );
}
