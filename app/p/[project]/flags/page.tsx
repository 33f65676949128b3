import type { Metadata } from "next";
import Link from "next/link";
import { projectPage } from "@/lib/auth/page-access";
import { can } from "@/lib/auth/permissions";
import { listFlags } from "@/lib/flags/list-flags";
import { listFlagEnvironments } from "@/lib/flags/list-environments";
import { flagKinds, flagStates, type ListFlagsInput } from "@/lib/flags/schemas";
import type { FlagSummary } from "@/lib/flags/read-flags";
import { PageHeader } from "@/components/ui/page-header";
import { EmptyState } from "@/components/ui/empty-state";
import { FlagTable, type FlagRow } from "@/components/flags/flag-table";
import { FlagFiltersForm, type FlagFilterValues } from "@/components/flags/flag-filters-form";
import { KillSwitchPanel } from "@/components/flags/kill-switch-panel";
import { NewFlagPanel } from "@/components/flags/new-flag-form";
import { formatInstant } from "@/components/flags/format";

export const metadata: Metadata = { title: "Flags" };

type Search = Record<string, string | string[] | undefined>;
const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
const isOneOf = <T extends string>(list: readonly T[], v: string | undefined): v is T =>
  v !== undefined && (list as readonly string[]).includes(v);

/** The filters in the URL that mean something; anything else is ignored rather than an error page. */
function filtersOf(search: Search, environmentIds: string[]): { values: FlagFilterValues; input: ListFlagsInput } {
  const q = one(search.q)?.trim().slice(0, 100) || undefined;
  const kind = one(search.kind);
  const state = one(search.state);
  const stale = one(search.stale);
  const env = one(search.env);
  const values: FlagFilterValues = {
    q,
    kind: isOneOf(flagKinds, kind) ? kind : undefined,
    state: isOneOf(flagStates, state) ? state : undefined,
    stale: stale === "1" || stale === "0" ? stale : undefined,
    pending: one(search.pending) === "1",
    env: env && environmentIds.includes(env) ? env : undefined,
  };
  return {
    values,
    input: {
      q: values.q,
      kind: values.kind,
      state: values.state,
      stale: values.stale === undefined ? undefined : values.stale === "1",
      pending: values.pending || undefined,
      environmentId: values.env,
    },
  };
}

function rowOf(f: FlagSummary): FlagRow {
  return {
    id: f.id,
    key: f.key,
    description: f.description,
    kind: f.kind,
    environment: {
      key: f.environment.key,
      name: f.environment.name,
      protected: f.environment.protected,
      killSwitchOn: f.environment.killSwitchOn,
    },
    state: f.state,
    rolloutBps: f.config.rolloutBps,
    version: f.version,
    owner: f.owner,
    stale: f.stale,
    pendingApprovals: f.pendingApprovals,
    welded: f.welded,
  };
}

export default async function FlagsPage({
  params,
  searchParams,
}: {
  params: Promise<{ project: string }>;
  searchParams: Promise<Search>;
}) {
  const { project: slug } = await params;
  const search = await searchParams;
  const { actor, project, role } = await projectPage(slug, "flag:read", `/p/${slug}/flags`);
  const environments = await listFlagEnvironments(actor, project.id);
  const { values, input } = filtersOf(
    search,
    environments.map((e) => e.id),
  );
  const filtered = Object.values(input).some((v) => v !== undefined);
  const [flags, all] = await Promise.all([
    listFlags(actor, project.id, input),
    filtered ? listFlags(actor, project.id) : null,
  ]);
  const everyFlag = all ?? flags;
  const base = `/p/${slug}/flags`;
  const mayCreate = can(role, "flag:change");

  return (
    <>
      <PageHeader
        title="Flags"
        description="Feature flags and kill switches of this project, per environment. Every change is a version with a reason."
        actions={
          <Link href={`/p/${slug}/admin/rollback`} className="text-sm font-medium text-brand-700 underline">
            Automated rollback rules
          </Link>
        }
      />

      <KillSwitchPanel
        projectId={project.id}
        environments={environments.map((e) => ({
          id: e.id,
          key: e.key,
          name: e.name,
          protected: e.protected,
          killSwitchOn: e.killSwitchOn,
          reason: e.killSwitchReason,
          since: e.killSwitchAt ? formatInstant(e.killSwitchAt.toISOString()) : null,
          flagCount: everyFlag.filter((f) => f.environment.id === e.id).length,
          mayTurnOn: can(role, "flag:narrow"),
          mayTurnOff: can(role, "flag:change"),
          offRequest: e.offRequest && {
            by: e.offRequest.by,
            at: formatInstant(e.offRequest.at.toISOString()),
            reason: e.offRequest.reason,
            mine: e.offRequest.byId === actor.userId,
          },
        }))}
      />

      {mayCreate ? (
        <NewFlagPanel
          projectId={project.id}
          slug={slug}
          environments={environments.map((e) => ({ id: e.id, name: e.name, protected: e.protected }))}
          defaultOwner={actor.email}
        />
      ) : null}

      <FlagFiltersForm
        action={base}
        values={values}
        environments={environments.map((e) => ({ id: e.id, name: e.name }))}
      />

      {flags.length === 0 ? (
        everyFlag.length === 0 ? (
          <EmptyState title="No flags yet">
            Flags let client apps ask Rampart whether a feature is on, and let this team turn it off without a deploy.{" "}
            {mayCreate ? "Create the first one with “New flag” above." : "A lead of this project can create them."}
          </EmptyState>
        ) : (
          <EmptyState title="No flags match these filters">
            {everyFlag.length.toLocaleString("en")} flag{everyFlag.length === 1 ? "" : "s"} in all.{" "}
            <Link href={base} className="font-medium text-brand-700 underline">
              Show every flag
            </Link>
          </EmptyState>
        )
      ) : (
        <>
          <FlagTable rows={flags.map(rowOf)} slug={slug} />
          <p className="mt-2 text-sm text-slate-500">
            {flags.length.toLocaleString("en")} of {everyFlag.length.toLocaleString("en")} flag
            {everyFlag.length === 1 ? "" : "s"} (one row per environment).
          </p>
        </>
      )}
    </>
  );
}
