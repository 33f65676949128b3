import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { projectPage } from "@/lib/auth/page-access";
import { getRun, itemsFor } from "@/lib/gate/runs";
import { isAppError } from "@/lib/errors";
import { PageHeader } from "@/components/ui/page-header";
import { GateStatusBadge, pct } from "@/components/gate/format";

export const metadata: Metadata = { title: "Gate run" };

export default async function GateRunPage({ params }: { params: Promise<{ project: string; runId: string }> }) {
  const { project: slug, runId: rawRunId } = await params;
  const runId = decodeURIComponent(rawRunId);
  const { actor, project } = await projectPage(slug, "dashboard:read", `/p/${slug}/gate/runs/${rawRunId}`);
  const run = await getRun(actor, project.id, runId).catch((err: unknown) => {
    if (isAppError(err) && err.code === "NOT_FOUND") notFound();
    throw err;
  });
  const r = run.result;
  const items = r ? await itemsFor(project.id, r.failing.map((f) => f.requestId)) : new Map<string, string>();
  return (
    <>
      <p className="mb-2 text-sm">
        <Link href={`/p/${slug}/gate`} className="text-brand-700 underline">
          ← Release gate
        </Link>
      </p>
      <PageHeader title={`Gate run ${run.runId}`} description={`Suite ${run.suite} · candidate ${run.candidate}${run.baseline ? ` · baseline ${run.baseline}` : ""}`} actions={<GateStatusBadge status={run.status} />} />
      {!r ? (
        <p className="rounded-lg border border-dashed border-slate-300 bg-white px-6 py-10 text-center text-sm text-slate-600">
          Waiting for the pipeline to complete the run (POST /api/v1/gate/runs/{run.runId}/complete); it is scored then.
        </p>
      ) : (
        <>
          <dl className="mb-6 grid grid-cols-1 gap-3 sm:grid-cols-2 lg:grid-cols-4">
            {[
              ["Responses", `${r.responses.toLocaleString("en")}${r.missingPrompts ? ` (${r.missingPrompts} prompts unanswered)` : ""}`],
              ["Harmful outputs", `${r.harmfulCount} · ${pct(r.harmful?.rate)} (95 % ${pct(r.harmful?.low)}–${pct(r.harmful?.high)}) · threshold ${pct(r.thresholds.maxHarmful)}`],
              ["Failed expectations", `${r.failedExpectations} · ${pct(r.failed?.rate)} (95 % up to ${pct(r.failed?.high)}) · threshold ${pct(r.thresholds.maxFailed)}`],
              ["False refusals · latency p95 · cost", `${r.falseRefusals} · ${r.latency.p95Ms === null ? "—" : `${Math.round(r.latency.p95Ms)} ms`} · $${r.cost.totalUsd.toFixed(4)}`],
            ].map(([label, value]) => (
              <div key={label} className="rounded-lg border border-slate-200 bg-white p-4">
                <dt className="text-sm text-slate-600">{label}</dt>
                <dd className="mt-1 text-sm font-medium tabular-nums">{value}</dd>
              </div>
            ))}
          </dl>
          <section aria-labelledby="why-heading" className="mb-6 rounded-lg border border-slate-200 bg-white p-5">
            <h2 id="why-heading" className="text-base font-semibold">
              Why {run.status.toLowerCase()}
            </h2>
            <ul className="mt-2 list-disc space-y-1 pl-5 text-sm" data-testid="gate-reasons">
              {r.reasons.map((x) => (
                <li key={x}>{x}</li>
              ))}
            </ul>
            {r.baselineRun ? (
              <p className="mt-2 text-sm text-slate-600">
                Compared with run {r.baselineRun.runId} of {r.baselineRun.candidate}: harmful {pct(r.baselineHarmful?.rate)}.
              </p>
            ) : null}
          </section>
          <section aria-labelledby="categories-heading" className="mb-6 rounded-lg border border-slate-200 bg-white p-5">
            <h2 id="categories-heading" className="text-base font-semibold">
              Expectations by category
            </h2>
            <table className="mt-3 min-w-full text-left text-sm">
              <thead>
                <tr className="border-b border-slate-200 text-xs text-slate-500">
                  <th className="px-2 py-1.5 font-medium">Category</th>
                  <th className="px-2 py-1.5 font-medium">Expectation</th>
                  <th className="px-2 py-1.5 font-medium">Responses</th>
                  <th className="px-2 py-1.5 font-medium">Failed</th>
                </tr>
              </thead>
              <tbody>
                {r.byCategory.map((c) => (
                  <tr key={`${c.category}-${c.expectation}`} className="border-b border-slate-100">
                    <td className="px-2 py-1.5">{c.category}</td>
                    <td className="px-2 py-1.5">{c.expectation.replace("_", " ").toLowerCase()}</td>
                    <td className="px-2 py-1.5 tabular-nums">{c.responses}</td>
                    <td className={`px-2 py-1.5 tabular-nums ${c.failed ? "font-semibold text-red-700" : ""}`}>{c.failed}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
          <section aria-labelledby="failing-heading">
            <h2 id="failing-heading" className="mb-3 text-base font-semibold">
              Failing prompts ({r.failingTotal.toLocaleString("en")}
              {r.failingTotal > r.failing.length ? `, first ${r.failing.length}` : ""})
            </h2>
            {r.failing.length === 0 ? (
              <p className="text-sm text-slate-600">None.</p>
            ) : (
              <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
                <table className="min-w-full text-left text-sm">
                  <thead>
                    <tr className="border-b border-slate-200 text-xs text-slate-500">
                      <th className="px-3 py-2 font-medium">Prompt</th>
                      <th className="px-3 py-2 font-medium">Why</th>
                      <th className="px-3 py-2 font-medium">Response (redacted)</th>
                      <th className="px-3 py-2 font-medium">Review</th>
                    </tr>
                  </thead>
                  <tbody>
                    {r.failing.map((f) => {
                      const itemId = items.get(f.requestId);
                      return (
                        <tr key={f.requestId} className="border-b border-slate-100 align-top" data-testid="failing-prompt">
                          <td className="px-3 py-2">
                            <span className="font-medium">{f.promptKey ?? "(no prompt key)"}</span>
                            <span className="block text-xs text-slate-500">{f.category || "—"}</span>
                          </td>
                          <td className="px-3 py-2">{f.reasons.join("; ")}</td>
                          <td className="max-w-md whitespace-pre-wrap break-words px-3 py-2 text-xs text-slate-700">{f.response}</td>
                          <td className="px-3 py-2">
                            {itemId ? (
                              <Link className="text-brand-700 underline" href={`/p/${slug}/queue/${itemId}`}>
                                Open item
                              </Link>
                            ) : (
                              <span className="text-xs text-slate-500">not in the queue (no classifier flag or report)</span>
                            )}
                          </td>
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
              </div>
            )}
          </section>
        </>
      )}
    </>
  );
}
