import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { projectPage } from "@/lib/auth/page-access";
import { can } from "@/lib/auth/permissions";
import { isAppError } from "@/lib/errors";
import { getIncident, type IncidentDetail } from "@/lib/incidents/get-incident";
import type { IncidentStatus } from "@/lib/incidents/status";
import type { UserActor } from "@/lib/auth/actor-types";
import { SeverityBadge, StatusBadge } from "@/components/review/badges";
import { badgeClass, percent } from "@/components/flags/format";
import {
  actorText,
  formatDuration,
  formatTime,
  incidentRef,
  sourceName,
  statusName,
  statusStyle,
} from "@/components/incidents/format";
import { IncidentTimeline, type TimelineEntry } from "@/components/incidents/incident-timeline";
import { RuleEvaluations } from "@/components/incidents/rule-evaluations";
import { IncidentSteps } from "@/components/incidents/incident-steps";
import { NoteForm } from "@/components/incidents/note-form";
import { PostmortemSection } from "@/components/incidents/postmortem-form";

export const metadata: Metadata = { title: "Incident" };

async function incidentOrNotFound(actor: UserActor, projectId: string, incidentId: string): Promise<IncidentDetail> {
  try {
    return await getIncident(actor, projectId, incidentId);
  } catch (err) {
    // Another project's incident id, a malformed one and an unknown one all read as "not found".
    if (isAppError(err) && err.code === "NOT_FOUND") notFound();
    throw err;
  }
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

function triageItemIdOf(data: unknown): string | null {
  const id = data && typeof data === "object" ? (data as { triageItemId?: unknown }).triageItemId : undefined;
  return typeof id === "string" && /^[0-9a-f-]{36}$/i.test(id) ? id : null;
}

function Section({ title, children, testId }: { title: string; children: React.ReactNode; testId?: string }) {
  const id = `section-${title.toLowerCase().replace(/[^a-z]+/g, "-")}`;
  return (
    <section aria-labelledby={id} className="rounded-lg border border-slate-200 bg-white p-5" data-testid={testId}>
      <h2 id={id} className="mb-3 text-base font-semibold">
        {title}
      </h2>
      {children}
    </section>
  );
}

export default async function IncidentPage({ params }: { params: Promise<{ project: string; incidentId: string }> }) {
  const { project: slug, incidentId } = await params;
  const { actor, project, role } = await projectPage(slug, "incident:read", `/p/${slug}/incidents/${incidentId}`);
  const incident = await incidentOrNotFound(actor, project.id, incidentId);
  const mayManage = can(role, "incident:manage");
  const status = incident.status as IncidentStatus;
  const ref = incidentRef(incident.number);
  const flagHref = incident.flag ? `/p/${slug}/flags/${incident.flag.id}` : null;
  const queueHref = (itemId: string) => `/p/${slug}/queue/${itemId}`;

  const entries: TimelineEntry[] = incident.events.map((e) => {
    const triageItemId = e.kind === "triage_link" ? triageItemIdOf(e.data) : null;
    return {
      id: e.id,
      kind: e.kind,
      message: e.message,
      at: e.createdAt.toISOString(),
      actorType: e.actorType,
      actorLabel: e.actorLabel,
      flagVersion: e.flagVersion
        ? {
            version: e.flagVersion.version,
            flagKey: e.flagVersion.flag.key,
            exposureBps: e.flagVersion.exposureBps,
            href: incident.flag && incident.flag.key === e.flagVersion.flag.key ? flagHref : null,
          }
        : null,
      triageItemHref:
        triageItemId && incident.triageItems.some((t) => t.id === triageItemId) ? queueHref(triageItemId) : null,
    };
  });

  // Each flag version once, in the order the timeline met them.
  const versions = [
    ...new Map(
      incident.events
        .filter((e) => e.flagVersion)
        .map((e) => [e.flagVersion!.id, { ...e.flagVersion!, at: e.createdAt }]),
    ).values(),
  ];

  const milestones: { label: string; at: string | null; by: string | null }[] = (
    [
      ["Impact started", incident.impactStartedAt, "impact_started"],
      ["Detected", incident.detectedAt, "detected"],
      ["Acknowledged", incident.acknowledgedAt, "acknowledged"],
      ["Mitigated", incident.mitigatedAt, "mitigated"],
      ["Resolved", incident.resolvedAt, "resolved"],
    ] as const
  ).map(([label, at, kind]) => {
    const event = incident.events.find((e) => e.kind === kind);
    return { label, at: iso(at), by: event ? actorText(event.actorType, event.actorLabel) : null };
  });

  return (
    <div className="space-y-6">
      <div>
        <Link href={`/p/${slug}/incidents`} className="text-sm font-medium text-brand-700 underline">
          ← Incidents
        </Link>
        <h1 className="mt-2 text-xl font-semibold tracking-tight break-words">
          {ref}: {incident.title}
        </h1>
        <div className="mt-3 flex flex-wrap items-center gap-2 text-sm" data-testid="incident-summary">
          <SeverityBadge severity={incident.severity} />
          <span className={`${badgeClass} ${statusStyle[status]}`} data-testid="incident-status">
            {statusName[status]}
          </span>
          <span className="text-slate-600">{sourceName[incident.source] ?? incident.source}</span>
          {incident.flag && flagHref ? (
            <span className="text-slate-600">
              · flag{" "}
              <Link href={flagHref} className="font-mono text-brand-700 underline">
                {incident.flag.key}
              </Link>{" "}
              in {incident.flag.environment.key}
            </span>
          ) : null}
        </div>
      </div>

      <section
        aria-labelledby="durations-heading"
        className="rounded-lg border border-slate-200 bg-white p-5"
        data-testid="incident-durations"
      >
        <h2 id="durations-heading" className="text-base font-semibold">
          Response times
        </h2>
        <dl className="mt-3 grid grid-cols-1 gap-4 sm:grid-cols-3">
          {(
            [
              ["tta", "Time to acknowledge", incident.durations.ttaMs, "from detection"],
              [
                "ttm",
                "Time to mitigate",
                incident.durations.ttmMs,
                incident.impactStartedAt ? "from the impact start" : "from detection (impact start unknown)",
              ],
              [
                "ttr",
                "Time to resolve",
                incident.durations.ttrMs,
                incident.impactStartedAt ? "from the impact start" : "from detection (impact start unknown)",
              ],
            ] as const
          ).map(([key, label, ms, from]) => (
            <div key={key} data-testid={`duration-${key}`}>
              <dt className="text-sm text-slate-600">
                {label} <span className="text-xs text-slate-500">({from})</span>
              </dt>
              <dd className="text-lg font-semibold tabular-nums">{ms === null ? "not yet" : formatDuration(ms)}</dd>
            </div>
          ))}
        </dl>
        <ol className="mt-4 grid grid-cols-1 gap-2 text-sm sm:grid-cols-5" aria-label="Milestones">
          {milestones.map((m) => (
            <li key={m.label} className="rounded-md bg-slate-50 p-2" data-testid="milestone">
              <span className="block text-xs font-medium text-slate-600">{m.label}</span>
              <span className="block tabular-nums">{m.at ? formatTime(m.at) : "—"}</span>
              {m.at && m.by ? <span className="block text-xs text-slate-500">by {m.by}</span> : null}
            </li>
          ))}
        </ol>
      </section>

      {mayManage ? (
        <IncidentSteps
          projectId={project.id}
          incidentId={incident.id}
          reference={ref}
          done={{
            acknowledged: !!incident.acknowledgedAt,
            mitigated: !!incident.mitigatedAt,
            resolved: !!incident.resolvedAt,
          }}
        />
      ) : (
        <p className="text-sm text-slate-600">You can read this incident; responding to it takes a lead.</p>
      )}

      <Section title="Timeline" testId="timeline-section">
        <IncidentTimeline entries={entries} />
        {mayManage ? <NoteForm projectId={project.id} incidentId={incident.id} /> : null}
      </Section>

      <Section title="Flag versions" testId="flag-versions">
        {versions.length === 0 ? (
          <p className="text-sm text-slate-600">No flag change is linked to this incident.</p>
        ) : (
          <ul className="space-y-2 text-sm">
            {versions.map((v) => (
              <li key={v.id}>
                {flagHref && incident.flag?.key === v.flag.key ? (
                  <Link href={flagHref} className="font-mono text-brand-700 underline">
                    {v.flag.key} v{v.version}
                  </Link>
                ) : (
                  <span className="font-mono">
                    {v.flag.key} v{v.version}
                  </span>
                )}{" "}
                <span className="text-slate-600">
                  · {percent(v.exposureBps)} exposed · {formatTime(v.at.toISOString())}
                </span>
                {v.reason ? <p className="text-xs break-words text-slate-600">{v.reason}</p> : null}
              </li>
            ))}
          </ul>
        )}
      </Section>

      <Section title="Rule evaluations" testId="rule-evaluations">
        <RuleEvaluations
          evaluations={incident.evaluations.map((e) => ({
            id: e.id,
            ruleName: e.rule.name,
            metric: e.rule.metric,
            comparison: e.rule.comparison,
            threshold: e.rule.threshold,
            action: e.rule.action,
            evaluatedAt: e.evaluatedAt.toISOString(),
            value: e.value,
            baseline: e.baseline,
            samples: e.samples,
            dryRun: e.dryRun,
            actionTaken: e.actionTaken,
            snapshot: e.snapshot,
          }))}
        />
      </Section>

      <Section title="Triage items" testId="triage-items">
        {incident.triageItems.length === 0 ? (
          <p className="text-sm text-slate-600">
            No triage item is linked. Items are linked when an incident is opened from one.
          </p>
        ) : (
          <ul className="space-y-2 text-sm">
            {incident.triageItems.map((t) => (
              <li key={t.id} className="flex flex-wrap items-center gap-2">
                <Link href={queueHref(t.id)} className="font-mono text-brand-700 underline">
                  {t.requestId}
                </Link>
                <SeverityBadge severity={t.severity} />
                <StatusBadge status={t.status} />
                <span className="text-xs text-slate-500">
                  {t.reportCount} report{t.reportCount === 1 ? "" : "s"}
                  {t.categories.length ? ` · ${t.categories.join(", ")}` : ""}
                </span>
              </li>
            ))}
          </ul>
        )}
      </Section>

      <PostmortemSection
        projectId={project.id}
        incidentId={incident.id}
        postmortem={incident.postmortem}
        mayEdit={mayManage}
      />
    </div>
  );
}
