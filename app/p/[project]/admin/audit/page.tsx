import type { Metadata } from "next";
import Link from "next/link";
import { projectPage } from "@/lib/auth/page-access";
import { listAuditEvents } from "@/lib/audit/list-audit-events";
import { getAuditChainStatus, type AuditChainStatus } from "@/lib/audit/get-audit-chain-status";
import { PageHeader } from "@/components/ui/page-header";
import { EmptyState } from "@/components/ui/empty-state";
import { VerifyAuditChain } from "@/components/admin/verify-audit-chain";
import { EVENTS_INGESTED, evidenceOf } from "@/lib/audit/evidence";
import type { AuditEvent } from "@/lib/generated/prisma/client.ts";

export const metadata: Metadata = { title: "Audit log" };

const show = (v: unknown) => (v === null || v === undefined ? "" : JSON.stringify(v));
/** An ingest request's audit event names every event it stored: say how many, by kind. */
function ingestSummary(e: Pick<AuditEvent, "action" | "targetType" | "targetId" | "metadata">): string | null {
  if (e.action !== EVENTS_INGESTED) return null;
  const counts = new Map<string, number>();
  for (const { type, malformed } of evidenceOf(e)) {
    const kind = malformed ? "unreadable entry" : type;
    counts.set(kind, (counts.get(kind) ?? 0) + 1);
  }
  return [...counts].map(([type, n]) => `${n} ${type}${n === 1 ? "" : "s"}`).join(", ") + " stored";
}
const when = (d: Date) => d.toISOString().replace("T", " ").slice(0, 19);

function ChainStatusPanel({ projectId, status }: { projectId: string; status: AuditChainStatus }) {
  const facts: [string, React.ReactNode][] = [
    ["Length", `${status.length} sealed event${status.length === 1 ? "" : "s"}`],
    [
      "Sealed through",
      status.sealedThrough
        ? `#${status.sealedThrough.eventId} (${when(status.sealedThrough.createdAt)})`
        : "nothing yet",
    ],
    [
      "Unsealed",
      <span key="unsealed" className={status.overdue ? "font-medium text-red-700" : undefined}>
        {status.unsealed}
        {status.overdue ? " — some for over a minute: is the worker running?" : ""}
      </span>,
    ],
    [
      "Last checkpoint",
      status.lastCheckpoint ? (
        <span key="checkpoint">
          seq {status.lastCheckpoint.seq} at {when(status.lastCheckpoint.createdAt)}, key{" "}
          <code className="text-xs">{status.lastCheckpoint.publicKeyFingerprint}</code>
        </span>
      ) : (
        "none yet"
      ),
    ],
  ];
  return (
    <section aria-labelledby="chain-status" className="mb-6 rounded-lg border border-slate-200 bg-white p-5">
      <h2 id="chain-status" className="mb-3 text-base font-semibold">
        Hash chain
      </h2>
      <dl className="mb-4 grid grid-cols-1 gap-x-6 gap-y-2 text-sm sm:grid-cols-[max-content_1fr]">
        {facts.map(([term, value]) => (
          <div key={term} className="contents">
            <dt className="text-slate-500">{term}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      <VerifyAuditChain projectId={projectId} />
    </section>
  );
}

export default async function AuditPage({
  params,
  searchParams,
}: {
  params: Promise<{ project: string }>;
  searchParams: Promise<{ before?: string }>;
}) {
  const { project: slug } = await params;
  const { before } = await searchParams;
  const { actor, project } = await projectPage(slug, "audit:read", `/p/${slug}/admin/audit`);
  const cursor = before && /^\d{1,19}$/.test(before) ? BigInt(before) : undefined;
  const [{ events, nextBefore }, status] = await Promise.all([
    listAuditEvents(actor, project.id, { before: cursor }),
    getAuditChainStatus(actor, project.id),
  ]);
  return (
    <>
      <PageHeader title="Audit log" description="Every change in this project, newest first." />
      <ChainStatusPanel projectId={project.id} status={status} />
      {events.length === 0 ? (
        <EmptyState title="No audit events yet" />
      ) : (
        <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
          <table className="w-full text-left text-sm">
            <thead className="bg-slate-50 text-xs uppercase text-slate-500">
              <tr>
                <th className="px-3 py-2">When</th>
                <th className="px-3">Actor</th>
                <th className="px-3">Action</th>
                <th className="px-3">Before</th>
                <th className="px-3">After</th>
              </tr>
            </thead>
            <tbody>
              {events.map((e) => (
                <tr key={e.id.toString()} className="border-t border-slate-100 align-top">
                  <td className="px-3 py-2 whitespace-nowrap text-slate-600">{when(e.createdAt)}</td>
                  <td className="px-3">{e.actorLabel ?? e.actorType.toLowerCase()}</td>
                  <td className="px-3 font-mono text-xs">{e.action}</td>
                  <td className="max-w-xs truncate px-3 font-mono text-xs text-slate-600" title={show(e.before)}>{show(e.before)}</td>
                  <td className="max-w-xs truncate px-3 font-mono text-xs text-slate-600" title={show(e.after)}>{ingestSummary(e) ?? show(e.after)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {nextBefore ? (
        <Link href={`?before=${nextBefore}`} className="mt-4 inline-block text-sm font-medium text-brand-700 underline">
          Older events
        </Link>
      ) : null}
    </>
  );
}
