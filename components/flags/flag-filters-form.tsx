// The flag list's filters as a plain GET form: every filtered view is a URL,
// and it works before any script has loaded.
import Link from "next/link";
import { flagKinds, flagStates, type FlagKind, type FlagState } from "@/lib/flags/schemas";
import { kindName } from "@/components/flags/format";

export type FlagFilterValues = {
  q?: string;
  kind?: FlagKind;
  state?: FlagState;
  stale?: "1" | "0";
  pending?: boolean;
  env?: string;
};

const fieldClass =
  "block w-full rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm shadow-sm focus:border-brand-600 focus:ring-1 focus:ring-brand-600 focus:outline-none";

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

export function FlagFiltersForm({
  action,
  values,
  environments,
}: {
  action: string;
  values: FlagFilterValues;
  environments: { id: string; name: string }[];
}) {
  return (
    <form
      key={JSON.stringify(values)}
      method="get"
      action={action}
      role="search"
      aria-label="Filter the flags"
      className="mb-4 grid grid-cols-2 gap-3 rounded-lg border border-slate-200 bg-white p-4 sm:grid-cols-3 lg:grid-cols-7 lg:items-end"
    >
      <div className="col-span-2">
        <Labelled id="flag-filter-q" label="Search key or description">
          <input
            id="flag-filter-q"
            name="q"
            type="search"
            defaultValue={values.q ?? ""}
            maxLength={100}
            autoComplete="off"
            spellCheck={false}
            className={fieldClass}
          />
        </Labelled>
      </div>
      <Labelled id="flag-filter-kind" label="Kind">
        <select id="flag-filter-kind" name="kind" defaultValue={values.kind ?? ""} className={fieldClass}>
          <option value="">Any</option>
          {flagKinds.map((k) => (
            <option key={k} value={k}>
              {kindName[k]}
            </option>
          ))}
        </select>
      </Labelled>
      <Labelled id="flag-filter-state" label="State">
        <select id="flag-filter-state" name="state" defaultValue={values.state ?? ""} className={fieldClass}>
          <option value="">Any</option>
          {flagStates.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </Labelled>
      <Labelled id="flag-filter-stale" label="Stale">
        <select id="flag-filter-stale" name="stale" defaultValue={values.stale ?? ""} className={fieldClass}>
          <option value="">Any</option>
          <option value="1">Stale only</option>
          <option value="0">Not stale</option>
        </select>
      </Labelled>
      <Labelled id="flag-filter-env" label="Environment">
        <select id="flag-filter-env" name="env" defaultValue={values.env ?? ""} className={fieldClass}>
          <option value="">Any</option>
          {environments.map((e) => (
            <option key={e.id} value={e.id}>
              {e.name}
            </option>
          ))}
        </select>
      </Labelled>
      <label className="inline-flex items-center gap-2 pb-1.5 text-sm text-slate-700">
        <input type="checkbox" name="pending" value="1" defaultChecked={values.pending} /> Awaiting approval
      </label>
      <div className="col-span-2 flex items-center gap-3 sm:col-span-3 lg:col-span-7">
        <button
          type="submit"
          className="rounded-md bg-slate-800 px-3 py-1.5 text-sm font-medium text-white shadow-sm hover:bg-slate-900 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-600"
        >
          Apply filters
        </button>
        <Link href={action} className="text-sm font-medium text-brand-700 underline">
          Clear
        </Link>
      </div>
    </form>
  );
}
