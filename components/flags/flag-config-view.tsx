// A flag's applied configuration, in the order evaluation reads it.
import type { FlagConfig, FlagKind } from "@/lib/flags/schemas";
import { conditionText, percent } from "@/components/flags/format";

function Row({ term, children }: { term: string; children: React.ReactNode }) {
  return (
    <div className="grid grid-cols-1 gap-1 py-2 sm:grid-cols-4">
      <dt className="text-sm font-medium text-slate-600">{term}</dt>
      <dd className="text-sm sm:col-span-3">{children}</dd>
    </div>
  );
}

const json = (v: unknown) => JSON.stringify(v);

export function FlagConfigView({ config, kind }: { config: FlagConfig; kind: FlagKind }) {
  return (
    <section
      aria-labelledby="config-heading"
      className="rounded-lg border border-slate-200 bg-white p-5"
      data-testid="flag-config"
    >
      <h2 id="config-heading" className="text-base font-semibold">
        Current configuration
      </h2>
      <dl className="mt-2 divide-y divide-slate-100">
        <Row term="Enabled">{config.enabled ? "Yes" : "No — everyone gets the fallback"}</Row>
        <Row term="Rollout">
          {kind === "KILL_SWITCH"
            ? "All or nothing (kill switch)"
            : `${percent(config.rolloutBps)} of traffic not caught by a rule gets the “${config.defaultVariant}” variant`}
        </Row>
        <Row term="Variants">
          <ul className="space-y-0.5">
            {Object.entries(config.variants).map(([key, value]) => (
              <li key={key}>
                <code className="font-mono">{key}</code> ={" "}
                <code className="font-mono text-slate-600 break-all">{json(value)}</code>
                {key === config.defaultVariant ? (
                  <span className="ml-2 text-xs text-slate-500">default (in the rollout)</span>
                ) : null}
                {key === config.fallbackVariant ? (
                  <span className="ml-2 text-xs text-slate-500">fallback (everyone else)</span>
                ) : null}
              </li>
            ))}
          </ul>
        </Row>
        <Row term="Targeting rules">
          {config.rules.length === 0 ? (
            <span className="text-slate-500">None: only the rollout decides.</span>
          ) : (
            <ol className="list-decimal space-y-1 pl-5">
              {config.rules.map((r) => (
                <li key={r.id}>
                  {r.description ? <span className="font-medium">{r.description}: </span> : null}
                  if {r.conditions.map(conditionText).join(" and ")}, serve{" "}
                  <code className="font-mono">{r.variant}</code>
                  <span className="ml-2 text-xs text-slate-500">({r.id})</span>
                </li>
              ))}
            </ol>
          )}
          {config.rules.length > 1 ? (
            <p className="mt-1 text-xs text-slate-500">The first matching rule wins.</p>
          ) : null}
        </Row>
        <Row term="Prerequisites">
          {config.prerequisites.length === 0 ? (
            <span className="text-slate-500">None.</span>
          ) : (
            <ul className="space-y-0.5">
              {config.prerequisites.map((p) => (
                <li key={p.flagKey}>
                  <code className="font-mono">{p.flagKey}</code> must be {p.state}
                </li>
              ))}
            </ul>
          )}
        </Row>
      </dl>
    </section>
  );
}
