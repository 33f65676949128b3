import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { projectPage } from "@/lib/auth/page-access";
import { can } from "@/lib/auth/permissions";
import { isAppError } from "@/lib/errors";
import { getFlag, type FlagDetail, type FlagVersionView } from "@/lib/flags/get-flag";
import { listFlags } from "@/lib/flags/list-flags";
import { changeImpact } from "@/lib/flags/change-impact";
import { flagConfigSchemaFor, type FlagConfig } from "@/lib/flags/schemas";
import type { UserActor } from "@/lib/auth/actor-types";
import { FlagControls } from "@/components/flags/flag-controls";
import { FlagConfigView } from "@/components/flags/flag-config-view";
import { CostBreakerPanel } from "@/components/flags/cost-breaker-panel";
import { GatePanel } from "@/components/flags/gate-panel";
import { flagGateStatus } from "@/lib/flags/set-flag-gate";
import { getCostBreakerStatus } from "@/lib/flags/cost-breaker-status";
import { FlagHistory, type HistoryItem } from "@/components/flags/flag-history";
import { PendingApprovals, type PendingItem } from "@/components/flags/pending-approvals";
import { staleText } from "@/components/flags/flag-table";
import { badgeClass, changeText, formatInstant, kindName, stateStyle, stateText } from "@/components/flags/format";
import type { DiffLine } from "@/components/flags/version-parts";

export const metadata: Metadata = { title: "Flag" };

type May = { narrow: boolean; widen: boolean; approve: boolean };

async function flagOrNotFound(actor: UserActor, projectId: string, flagId: string): Promise<FlagDetail> {
  try {
    return await getFlag(actor, projectId, flagId);
  } catch (err) {
    // Another project's flag id, a malformed one and a deleted flag all read as "not found".
    if (isAppError(err) && err.code === "NOT_FOUND") notFound();
    throw err;
  }
}

function who(v: FlagVersionView): string {
  const label = v.actor.label ?? "unknown";
  return v.actor.type === "SYSTEM" ? `${label} (automation)` : label;
}

const linesOf = (v: FlagVersionView): DiffLine[] =>
  (v.diff?.changes ?? []).map((c) => ({ text: changeText(c), effect: c.effect }));

/** A stored configuration as today's rules for the kind read it; null when it no longer passes (the services would refuse it too). */
function configOf(flag: FlagDetail, v: FlagVersionView): FlagConfig | null {
  const parsed = flagConfigSchemaFor(flag.kind, flag.key).safeParse(v.config);
  return parsed.success ? parsed.data : null;
}

function historyItem(flag: FlagDetail, v: FlagVersionView, may: May): HistoryItem {
  const config = v.status === "APPLIED" && !v.current && may.narrow ? configOf(flag, v) : null;
  const impact =
    config && !(flag.welded && config.enabled)
      ? changeImpact(flag.config, config, flag.environment, { widen: may.widen })
      : null;
  const revertable = impact !== null && impact.outcome !== "not_allowed" && impact.outcome !== "unchanged";
  return {
    id: v.id,
    version: v.version,
    status: v.status,
    current: v.current,
    who: who(v),
    when: formatInstant(v.createdAt.toISOString()),
    reason: v.reason,
    ticketUrl: v.ticketUrl,
    lines: linesOf(v),
    revertOf: v.diff?.revertOf ?? null,
    exposureBps: v.exposureBps,
    approved: v.approvedAt
      ? { by: v.approvedByLabel ?? "a deleted account", at: formatInstant(v.approvedAt.toISOString()) }
      : null,
    revert: revertable && config ? { impact, enabledAfter: config.enabled } : null,
  };
}

function pendingItem(flag: FlagDetail, v: FlagDetail["pending"][number], actor: UserActor): PendingItem {
  const config = configOf(flag, v) ?? flag.config;
  return {
    id: v.id,
    version: v.version,
    who: who(v),
    when: formatInstant(v.createdAt.toISOString()),
    reason: v.reason,
    ticketUrl: v.ticketUrl,
    lines: linesOf(v),
    impact: changeImpact(flag.config, config, flag.environment, { widen: true }),
    enabledAfter: config.enabled,
    superseded: v.superseded,
    canDecide: v.canDecide,
    mine: v.actor.type === "USER" && v.actor.id === actor.userId,
  };
}

export default async function FlagPage({ params }: { params: Promise<{ project: string; flagId: string }> }) {
  const { project: slug, flagId } = await params;
  const { actor, project, role } = await projectPage(slug, "flag:read", `/p/${slug}/flags/${flagId}`);
  const flag = await flagOrNotFound(actor, project.id, flagId);
  const siblings = (await listFlags(actor, project.id, { q: flag.key })).filter(
    (f) => f.key === flag.key && f.id !== flag.id,
  );
  const may: May = {
    narrow: can(role, "flag:narrow"),
    widen: can(role, "flag:change"),
    approve: can(role, "flag:approve"),
  };
  const env = flag.environment;
  const breaker = await getCostBreakerStatus(actor, project.id, flag.id);

  return (
    <div className="space-y-6">
      <div>
        <Link href={`/p/${slug}/flags`} className="text-sm font-medium text-brand-700 underline">
          ← Flags
        </Link>
        <h1 className="mt-2 font-mono text-xl font-semibold tracking-tight break-all">{flag.key}</h1>
        {flag.description ? <p className="mt-1 text-sm text-slate-600">{flag.description}</p> : null}
        <div className="mt-3 flex flex-wrap items-center gap-2 text-sm" data-testid="flag-summary">
          <span className={`${badgeClass} ${stateStyle[flag.state]}`} data-testid="flag-state">
            {stateText(flag.state, flag.config.rolloutBps)}
          </span>
          <span className={`${badgeClass} bg-white text-slate-700 ring-slate-300`}>{kindName[flag.kind]}</span>
          <span className={`${badgeClass} bg-white text-slate-700 ring-slate-300`}>
            {env.name}
            {env.protected ? " · protected" : ""}
          </span>
          <span className="text-slate-600" data-testid="flag-version">
            version {flag.version}
          </span>
          {flag.owner ? <span className="text-slate-600">· owner {flag.owner}</span> : null}
          {flag.expiresAt ? (
            <span className="text-slate-600">· expires {formatInstant(flag.expiresAt.toISOString()).slice(0, 10)}</span>
          ) : null}
          {flag.stale ? (
            <span className={`${badgeClass} bg-slate-100 text-slate-700 ring-slate-400/30`}>
              stale: {staleText[flag.stale]}
            </span>
          ) : null}
        </div>
        {siblings.length ? (
          <p className="mt-2 text-sm text-slate-600">
            Also in:{" "}
            {siblings.map((s, i) => (
              <span key={s.id}>
                {i > 0 ? ", " : null}
                <Link href={`/p/${slug}/flags/${s.id}`} className="font-medium text-brand-700 underline">
                  {s.environment.name}
                </Link>
              </span>
            ))}
          </p>
        ) : null}
      </div>

      {env.killSwitchOn ? (
        <p
          role="status"
          className="rounded-md border border-red-300 bg-red-50 px-4 py-3 text-sm font-medium text-red-800"
        >
          The kill switch of {env.name} is on: this flag serves its fallback to everyone there, whatever its
          configuration.{" "}
          <Link href={`/p/${slug}/flags`} className="underline">
            Project kill switch
          </Link>
        </p>
      ) : null}
      {flag.weldedReason ? (
        <p className="rounded-md border border-red-300 bg-red-50 px-4 py-3 text-sm text-red-800">
          <span className="font-medium">Welded off in code.</span> {flag.weldedReason} No change here can enable it;
          that takes a reviewed commit.
        </p>
      ) : null}
      {!may.narrow ? (
        <p className="text-sm text-slate-600">
          You can read this flag; changing it takes a reviewer (to lower exposure) or a lead.
        </p>
      ) : null}
      {may.narrow && !may.widen ? (
        <p className="text-sm text-slate-600">
          You may lower exposure (kill, cut the rollout); raising it takes a lead.
        </p>
      ) : null}

      <PendingApprovals
        projectId={project.id}
        flagKey={flag.key}
        items={flag.pending.map((v) => pendingItem(flag, v, actor))}
        killSwitchOn={env.killSwitchOn}
        mayApprove={may.approve}
      />

      <FlagControls
        projectId={project.id}
        flag={{
          id: flag.id,
          key: flag.key,
          kind: flag.kind,
          version: flag.version,
          config: flag.config,
          welded: flag.welded,
          environment: { name: env.name, protected: env.protected, killSwitchOn: env.killSwitchOn },
        }}
        may={{ narrow: may.narrow, widen: may.widen }}
      />

      <FlagConfigView config={flag.config} kind={flag.kind} />

      <CostBreakerPanel
        projectId={project.id}
        flagId={flag.id}
        usdPerUserHour={breaker.usdPerUserHour}
        trippedUsers={breaker.trippedUsers}
        resetsAt={breaker.resetsAt.toISOString()}
        mayChange={may.widen}
      />

      {flag.kind === "RELEASE" ? <GatePanel projectId={project.id} slug={slug} flagId={flag.id} {...(await flagGateStatus(actor, project.id, flag.id))} mayChange={may.widen} /> : null}

      <FlagHistory
        projectId={project.id}
        flagId={flag.id}
        flagKey={flag.key}
        currentVersion={flag.version}
        environment={{ name: env.name, killSwitchOn: env.killSwitchOn }}
        items={flag.history.map((v) => historyItem(flag, v, may))}
        truncated={flag.historyTruncated}
      />
    </div>
  );
}
