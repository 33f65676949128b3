// Response times as median and p90: over a project's incidents (the list) or
// one incident's own (its page). The text carries every figure; nothing is
// only a colour or a bar.
import { formatDuration } from "@/components/incidents/format";

export type ResponseTime = {
  key: string;
  label: string;
  hint: string;
  count: number;
  medianMs: number | null;
  p90Ms: number | null;
};

export function ResponseTimes({ title, caption, times }: { title: string; caption: string; times: ResponseTime[] }) {
  return (
    <section
      aria-labelledby="response-times-heading"
      className="mb-6 rounded-lg border border-slate-200 bg-white p-5"
      data-testid="response-times"
    >
      <h2 id="response-times-heading" className="text-base font-semibold">
        {title}
      </h2>
      <p className="mt-1 text-sm text-slate-600">{caption}</p>
      <dl className="mt-4 grid grid-cols-1 gap-4 sm:grid-cols-3">
        {times.map((t) => (
          <div
            key={t.key}
            className="rounded-md border border-slate-100 bg-slate-50 p-3"
            data-testid={`metric-${t.key}`}
          >
            <dt className="text-sm font-medium text-slate-700">
              {t.label} <span className="font-normal text-slate-500">({t.hint})</span>
            </dt>
            <dd className="mt-2 grid grid-cols-2 gap-2 text-sm">
              <span>
                <span className="block text-xs text-slate-500">median</span>
                <span className="text-lg font-semibold tabular-nums" data-testid={`metric-${t.key}-median`}>
                  {formatDuration(t.medianMs)}
                </span>
              </span>
              <span>
                <span className="block text-xs text-slate-500">p90</span>
                <span className="text-lg font-semibold tabular-nums" data-testid={`metric-${t.key}-p90`}>
                  {formatDuration(t.p90Ms)}
                </span>
              </span>
              <span className="col-span-2 text-xs text-slate-500">
                {t.count === 0
                  ? "No incident has reached this step yet"
                  : `over ${t.count.toLocaleString("en")} incident${t.count === 1 ? "" : "s"}`}
              </span>
            </dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
