// The incident list's filters as a plain GET form: every filtered view is a
// URL, and it works before any script has loaded.
import Link from "next/link";
import { incidentStatuses, type IncidentStatus } from "@/lib/incidents/status";
import { severities, type Sev } from "@/lib/triage/severity";
import { statusName } from "@/components/incidents/format";

export type IncidentFilterValues = { status?: IncidentStatus; severity?: Sev };

const fieldClass =
  "block w-full rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm shadow-sm focus:border-brand-600 focus:ring-1 focus:ring-brand-600 focus:outline-none";

export function IncidentFilters({ action, values }: { action: string; values: IncidentFilterValues }) {
  return (
    <form
      key={JSON.stringify(values)}
      method="get"
      action={action}
      role="search"
      aria-label="Filter the incidents"
      className="mb-4 flex flex-wrap items-end gap-3 rounded-lg border border-slate-200 bg-white p-4"
    >
      <div className="w-44 space-y-1">
        <label htmlFor="incident-filter-status" className="block text-xs font-medium text-slate-600">
          Status
        </label>
        <select id="incident-filter-status" name="status" defaultValue={values.status ?? ""} className={fieldClass}>
          <option value="">Any</option>
          {incidentStatuses.map((s) => (
            <option key={s} value={s}>
              {statusName[s]}
            </option>
          ))}
        </select>
      </div>
      <div className="w-44 space-y-1">
        <label htmlFor="incident-filter-severity" className="block text-xs font-medium text-slate-600">
          Severity
        </label>
        <select
          id="incident-filter-severity"
          name="severity"
          defaultValue={values.severity ?? ""}
          className={fieldClass}
        >
          <option value="">Any</option>
          {severities.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </div>
      <button
        type="submit"
        className="rounded-md bg-slate-800 px-3 py-1.5 text-sm font-medium text-white shadow-sm hover:bg-slate-900 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-600"
      >
        Apply filters
      </button>
      <Link href={action} className="pb-1.5 text-sm font-medium text-brand-700 underline">
        Clear
      </Link>
    </form>
  );
}
