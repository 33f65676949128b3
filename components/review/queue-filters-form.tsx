// The queue's filters as a plain GET form: every filtered view is a URL that
// can be shared or bookmarked, and it works before any script has loaded.
import Link from "next/link";
import { openStatuses, queueSeverities, queueSources, type QueueFilters } from "@/lib/review/queue-schemas";
import { sourceName, statusName } from "@/components/review/badges";

const fieldClass =
  "block w-full rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm shadow-sm focus:border-brand-600 focus:ring-1 focus:ring-brand-600 focus:outline-none";
const hazardCodes = Array.from({ length: 14 }, (_v, i) => `S${i + 1}`);

function Labelled({ id, label, children }: { id: string; label: string; children: React.ReactNode }) {
  return (
    <div className="space-y-1">
      <label htmlFor={id} className="block text-xs font-medium text-slate-600">
        {label}
      </label>
      {children}
    </div>
  );
}

export function QueueFiltersForm({ action, filters }: { action: string; filters: QueueFilters }) {
  return (
    <form key={JSON.stringify(filters)} method="get" action={action} role="search" aria-label="Filter the queue" className="mb-4 grid grid-cols-2 gap-3 rounded-lg border border-slate-200 bg-white p-4 sm:grid-cols-4 lg:grid-cols-9 lg:items-end">
      <div className="col-span-2">
        <Labelled id="filter-q" label="Request id (exact)">
          <input id="filter-q" name="q" type="search" defaultValue={filters.q ?? ""} autoComplete="off" spellCheck={false} className={fieldClass} />
        </Labelled>
      </div>
      <Labelled id="filter-status" label="Status">
        <select id="filter-status" name="status" defaultValue={filters.status ?? ""} className={fieldClass}>
          <option value="">Any open</option>
          {openStatuses.map((s) => (
            <option key={s} value={s}>
              {statusName(s)}
            </option>
          ))}
        </select>
      </Labelled>
      <Labelled id="filter-severity" label="Severity">
        <select id="filter-severity" name="severity" defaultValue={filters.severity ?? ""} className={fieldClass}>
          <option value="">Any</option>
          {queueSeverities.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </Labelled>
      <Labelled id="filter-source" label="Source">
        <select id="filter-source" name="source" defaultValue={filters.source ?? ""} className={fieldClass}>
          <option value="">Any</option>
          {queueSources.map((s) => (
            <option key={s} value={s}>
              {sourceName(s)}
            </option>
          ))}
        </select>
      </Labelled>
      <Labelled id="filter-category" label="Category">
        <input id="filter-category" name="category" list="filter-category-options" defaultValue={filters.category ?? ""} placeholder="S10" autoComplete="off" className={fieldClass} />
      </Labelled>
      <datalist id="filter-category-options">
        {hazardCodes.map((c) => (
          <option key={c} value={c} />
        ))}
      </datalist>
      <Labelled id="filter-model" label="Model version">
        <input id="filter-model" name="modelVersion" defaultValue={filters.modelVersion ?? ""} autoComplete="off" className={fieldClass} />
      </Labelled>
      <Labelled id="filter-flag" label="Flag key">
        <input id="filter-flag" name="flag" defaultValue={filters.flag ?? ""} autoComplete="off" spellCheck={false} className={fieldClass} />
      </Labelled>
      <Labelled id="filter-reports" label="Min. reports">
        <input id="filter-reports" name="minReports" type="number" min={1} inputMode="numeric" defaultValue={filters.minReports ?? ""} className={fieldClass} />
      </Labelled>
      <div className="col-span-2 flex items-center gap-3 sm:col-span-4 lg:col-span-9">
        <button type="submit" className="rounded-md bg-slate-800 px-3 py-1.5 text-sm font-medium text-white shadow-sm hover:bg-slate-900">
          Apply filters
        </button>
        <Link href={action} className="text-sm font-medium text-brand-700 underline">
          Clear filters
        </Link>
      </div>
    </form>
  );
}
