import type { Metadata } from "next";
import Link from "next/link";
import { projectPage } from "@/lib/auth/page-access";
import { can } from "@/lib/auth/permissions";
import { gateOverview } from "@/lib/gate/runs";
import { PageHeader } from "@/components/ui/page-header";
import { EmptyState } from "@/components/ui/empty-state";
import { ImportSuiteForm } from "@/components/gate/import-suite-form";
import { GateStatusBadge, pct } from "@/components/gate/format";

export const metadata: Metadata = { title: "Release gate" };

export default async function GatePage({ params }: { params: Promise<{ project: string }> }) {
  const { project: slug } = await params;
  const { actor, project, role } = await projectPage(slug, "dashboard:read", `/p/${slug}/gate`);
  const { suites, runs } = await gateOverview(actor, project.id);
  const mayManage = can(role, "flag:change");
  return (
    <>
      <PageHeader
        title="Release gate"
        description="Prompt suites a candidate must pass before a gated flag may widen in a protected environment; CI runs them with npx rampart gate."
      />
      {mayManage ? <ImportSuiteForm projectId={project.id} /> : null}
      <section aria-labelledby="suites-heading" className="mb-6 rounded-lg border border-slate-200 bg-white p-5">
        <h2 id="suites-heading" className="text-base font-semibold">
          Suites
        </h2>
        {suites.length === 0 ? (
          <p className="mt-3 text-sm text-slate-600">No suites yet. Import one above, or PUT it to /api/v1/gate/suites/&lt;name&gt; from CI.</p>
        ) : (
          <table className="mt-3 min-w-full text-left text-sm">
            <thead>
              <tr className="border-b border-slate-200 text-xs text-slate-500">
                <th className="px-2 py-1.5 font-medium">Name</th>
                <th className="px-2 py-1.5 font-medium">Kind</th>
                <th className="px-2 py-1.5 font-medium">Prompts</th>
                <th className="px-2 py-1.5 font-medium">Harmful ≤</th>
                <th className="px-2 py-1.5 font-medium">Failed expectations ≤</th>
                <th className="px-2 py-1.5 font-medium">JSONL</th>
              </tr>
            </thead>
            <tbody>
              {suites.map((s) => (
                <tr key={s.name} className="border-b border-slate-100" data-testid="suite-row">
                  <td className="px-2 py-1.5 font-medium">{s.name}</td>
                  <td className="px-2 py-1.5">{s.kind.replace("_", " ").toLowerCase()}</td>
                  <td className="px-2 py-1.5 tabular-nums">{s.prompts.toLocaleString("en")}</td>
                  <td className="px-2 py-1.5 tabular-nums">{pct(s.maxHarmfulBps / 10_000)}</td>
                  <td className="px-2 py-1.5 tabular-nums">{pct(s.maxFailedBps / 10_000)}</td>
                  <td className="px-2 py-1.5">
                    <a className="text-brand-700 underline" href={`/p/${slug}/gate/suites/${encodeURIComponent(s.name)}/export`} download>
                      Export
                    </a>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section aria-labelledby="runs-heading">
        <h2 id="runs-heading" className="mb-3 text-base font-semibold">
          Latest runs
        </h2>
        {runs.length === 0 ? (
          <EmptyState title="No gate runs yet">
            A CI pipeline opens a run (POST /api/v1/gate/runs), sends its interactions with gateRunId and gatePromptKey, completes it, and asks{" "}
            <code>npx rampart gate</code> for the verdict.
          </EmptyState>
        ) : (
          <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
            <table className="min-w-full text-left text-sm">
              <thead>
                <tr className="border-b border-slate-200 text-xs text-slate-500">
                  <th className="px-3 py-2 font-medium">Run</th>
                  <th className="px-3 py-2 font-medium">Status</th>
                  <th className="px-3 py-2 font-medium">Suite</th>
                  <th className="px-3 py-2 font-medium">Candidate</th>
                  <th className="px-3 py-2 font-medium">Responses</th>
                  <th className="px-3 py-2 font-medium">Harmful</th>
                  <th className="px-3 py-2 font-medium">Failed expectations</th>
                  <th className="px-3 py-2 font-medium">Scored</th>
                </tr>
              </thead>
              <tbody>
                {runs.map((r) => (
                  <tr key={r.runId} className="border-b border-slate-100" data-testid="gate-run-row">
                    <td className="px-3 py-2">
                      <Link className="font-medium text-brand-700 underline" href={`/p/${slug}/gate/runs/${encodeURIComponent(r.runId)}`}>
                        {r.runId}
                      </Link>
                    </td>
                    <td className="px-3 py-2">
                      <GateStatusBadge status={r.status} />
                    </td>
                    <td className="px-3 py-2">{r.suite}</td>
                    <td className="break-all px-3 py-2 font-mono text-xs">{r.candidate}</td>
                    <td className="px-3 py-2 tabular-nums">{r.responses?.toLocaleString("en") ?? "—"}</td>
                    <td className="px-3 py-2 tabular-nums">{pct(r.harmfulRate)}</td>
                    <td className="px-3 py-2 tabular-nums">{r.failedExpectations ?? "—"}</td>
                    <td className="px-3 py-2 text-xs text-slate-600">{r.scoredAt ? r.scoredAt.toISOString().slice(0, 16).replace("T", " ") : "waiting for completion"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}
