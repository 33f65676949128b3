import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { projectPage } from "@/lib/auth/page-access";
import { can } from "@/lib/auth/permissions";
import { isAppError } from "@/lib/errors";
import { getItem, type ItemContext } from "@/lib/review/get-item";
import { getReviewPreferences } from "@/lib/review/get-review-preferences";
import { isLongText } from "@/lib/review/markdown";
import { SafeMarkdown, provenanceShares } from "@/components/review/safe-markdown";
import { Collapsible } from "@/components/review/collapsible";
import { BlurAgainButton, SensitiveContent, SensitiveGate } from "@/components/review/sensitive-content";
import { SlaBadge } from "@/components/review/sla-badge";
import { SeverityBadge, SourceBadge, StatusBadge } from "@/components/review/badges";
import { RevealOriginal } from "@/components/review/reveal-original";
import { BlurPreference } from "@/components/review/blur-preference";
import { ReviewPanel, type ReviewPanelProps } from "@/components/review/review-panel";
import { ShortcutHelp } from "@/components/review/shortcut-help";
import { ClaimNextButton } from "@/components/review/claim-next-button";
import { BreakPreference, BreakReminder } from "@/components/review/break-reminder";
import { getBreakReminder } from "@/lib/review/get-break-reminder";
import { findFlagsByKeys } from "@/lib/flags/find-flags-by-keys";
import { MitigatePanel } from "@/components/review/mitigate-panel";
import { OpenIncidentPanel } from "@/components/incidents/open-incident-form";
import { hazardCategories, labelVerdicts } from "@/lib/review/label-schemas";
import type { Role } from "@/lib/auth/permissions";

export const metadata: Metadata = { title: "Item" };

const when = (d: Date) => `${d.toISOString().replace("T", " ").slice(0, 19)} UTC`;
const compact = (v: unknown) => (v === null || v === undefined ? "" : JSON.stringify(v));

function Section({ title, id, children, actions }: { title: string; id: string; children: React.ReactNode; actions?: React.ReactNode }) {
  return (
    <section aria-labelledby={id} tabIndex={-1} data-review-section className="rounded-lg border border-slate-200 bg-white p-4 focus:outline-2 focus:outline-brand-600 focus:outline-solid">
      <div className="mb-3 flex flex-wrap items-center justify-between gap-2">
        <h2 id={id} className="text-sm font-semibold text-slate-900">
          {title}
        </h2>
        {actions}
      </div>
      {children}
    </section>
  );
}

function Facts({ rows }: { rows: [string, React.ReactNode][] }) {
  return (
    <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1.5 text-sm">
      {rows.map(([k, v]) => (
        <div key={k} className="contents">
          <dt className="text-slate-500">{k}</dt>
          <dd className="min-w-0 break-words">{v ?? <span className="text-slate-400">—</span>}</dd>
        </div>
      ))}
    </dl>
  );
}

function Message({ role, name, content }: { role: string; name?: string; content: string }) {
  return (
    <div className="space-y-1" data-testid="prompt-message">
      <p className="text-xs font-semibold tracking-wide text-slate-500 uppercase">
        {role}
        {name ? <span className="font-normal normal-case"> ({name})</span> : null}
      </p>
      <Collapsible long={isLongText(content)}>
        <SafeMarkdown source={content} />
      </Collapsible>
    </div>
  );
}

const legend = [
  { key: "own_data", label: "Own data", swatch: "bg-green-500" },
  { key: "inferred", label: "Inferred", swatch: "bg-amber-400" },
  { key: "guess", label: "Guess", swatch: "bg-red-500" },
  { key: "unmarked", label: "Unmarked", swatch: "bg-slate-200" },
] as const;

function ProvenanceLight({ response, spans }: { response: string; spans: NonNullable<ItemContext["interaction"]>["provenance"] }) {
  const shares = provenanceShares(response.length, spans);
  return (
    <div className="mb-3 space-y-2" data-testid="provenance">
      <div className="flex h-2 overflow-hidden rounded-full bg-slate-200" aria-hidden="true">
        {legend.map((l) => (shares[l.key] > 0 ? <div key={l.key} className={l.swatch} style={{ width: `${shares[l.key]}%` }} /> : null))}
      </div>
      <ul aria-label="Provenance of the response" className="flex flex-wrap gap-x-4 gap-y-1 text-xs text-slate-600">
        {legend.map((l) => (
          <li key={l.key} className="flex items-center gap-1.5">
            <span aria-hidden="true" className={`inline-block h-2.5 w-2.5 rounded-full ${l.swatch}`} />
            {l.label} {shares[l.key]}%
          </li>
        ))}
      </ul>
    </div>
  );
}

const standardHazards = new Set<string>(hazardCategories.map((h) => h.code));
const verdictName = (v: string) => labelVerdicts.find((x) => x.value === v)?.label ?? v;
const labelKindName = { PRIMARY: "Review", SECOND: "Second review", ADJUDICATION: "Lead's decision" } as const;

/** What the signed-in person can do with the item now, and why not when they cannot. */
function reviewMode(ctx: ItemContext, role: Role, userId: string): Pick<ReviewPanelProps, "mode" | "notice" | "canEscalate"> {
  const { item } = ctx;
  const lead = can(role, "item:adjudicate");
  const canEscalate = can(role, "item:escalate") && (item.status === "NEW" || item.status === "CLAIMED") && !(item.status === "CLAIMED" && item.claimedById !== userId);
  const leaseLive = item.leaseExpiresAt !== null && item.leaseExpiresAt > ctx.asOf;
  if (!can(role, "item:label")) return { mode: "none", canEscalate: false, notice: "You can read this item; labeling needs the reviewer role." };
  if (ctx.gaveFirstReview) return { mode: "none", canEscalate: false, notice: "You gave this item its first review. It now waits for a second, blind review by someone else." };
  switch (item.status) {
    case "CLAIMED":
      if (item.claimedById === userId && leaseLive) return { mode: "label", canEscalate, notice: null };
      if (!leaseLive) return { mode: "claim", canEscalate: false, notice: "The last claim on this item lapsed; it is free to take." };
      return { mode: "none", canEscalate: false, notice: `${item.claimedBy?.name ?? "Another reviewer"} is working on this item.` };
    case "NEW":
      return { mode: "claim", canEscalate, notice: null };
    case "ESCALATED":
      return lead ? { mode: "claim", canEscalate: false, notice: "Escalated: claim it to decide." } : { mode: "none", canEscalate: false, notice: "Escalated: a lead will take it from here." };
    case "WAITING_INFO":
      return { mode: "resume", canEscalate: false, notice: "Waiting for information; the SLA clock is paused. Resume when it has arrived." };
    default:
      return lead ? { mode: "reopen", canEscalate: false, notice: "This item is closed. Reopen it to review it again." } : { mode: "none", canEscalate: false, notice: "This item is closed." };
  }
}

function money(micros: number | null): string | null {
  return micros === null ? null : (micros / 1_000_000).toFixed(6).replace(/0{1,4}$/, "");
}

export default async function ItemPage({ params }: { params: Promise<{ project: string; itemId: string }> }) {
  const { project: slug, itemId } = await params;
  const { actor, project, role } = await projectPage(slug, "queue:read", `/p/${slug}/queue/${itemId}`);
  const [ctx, prefs] = await Promise.all([
    getItem(actor, project.id, itemId).catch((err: unknown) => {
      if (isAppError(err) && err.code === "NOT_FOUND") notFound();
      throw err;
    }),
    getReviewPreferences(actor),
  ]);
  const [breakReminder, mitigation] = await Promise.all([
    getBreakReminder(actor, prefs),
    ctx.interaction && ctx.interaction.flags.length && can(role, "flag:read")
      ? findFlagsByKeys(actor, project.id, ctx.interaction.environmentId, ctx.interaction.flags.map((f) => f.key))
      : null,
  ]);
  const review = reviewMode(ctx, role, actor.userId);
  const { item, interaction } = ctx;
  const systemMessages = interaction?.messages.filter((m) => m.role === "system" || m.role === "developer") ?? [];
  const conversation = interaction?.messages.filter((m) => m.role !== "system" && m.role !== "developer") ?? [];
  const windowStart = new Date(item.createdAt.getTime() + item.pausedMs).toISOString();

  return (
    <SensitiveGate blur={prefs.blurSensitive} categories={ctx.sensitive}>
      <div className="mb-4 flex flex-wrap items-start justify-between gap-3 text-sm">
        <Link href={`/p/${slug}/queue`} className="font-medium text-brand-700 underline">
          ← Queue
        </Link>
        <div className="flex flex-wrap items-start gap-4">
          <ShortcutHelp />
          {can(role, "item:claim") ? <ClaimNextButton projectId={project.id} slug={slug} /> : null}
        </div>
      </div>
      {breakReminder ? <BreakReminder streak={breakReminder.streak} /> : null}
      <header className="mb-6 space-y-2">
        <h1 className="text-xl font-semibold tracking-tight">
          Item <span className="font-mono text-lg">{item.requestId}</span>
        </h1>
        <div className="flex flex-wrap items-center gap-2 text-sm">
          <SlaBadge
            deadline={item.next && { kind: item.next.kind, due: item.next.dueAt.toISOString(), start: windowStart }}
            paused={item.pausedAt !== null}
            serverNow={ctx.asOf.getTime()}
          />
          <StatusBadge status={item.status} />
          <SeverityBadge severity={item.severity} />
          <SourceBadge source={item.source} />
          {item.isSample ? <span className="rounded bg-violet-100 px-1.5 py-0.5 text-xs text-violet-800">blind sample</span> : null}
          {item.categories.length ? <span className="text-xs text-slate-600">Categories: {item.categories.join(", ")}</span> : null}
          {item.claimedBy ? <span className="text-xs text-slate-600">Claimed by {item.claimedBy.name}</span> : null}
        </div>
      </header>

      {ctx.sensitive.length > 0 ? (
        <div className="mb-4 flex flex-wrap items-center justify-between gap-2 rounded-md bg-slate-100 px-3 py-2 text-sm text-slate-700">
          <span>This item is in sensitive categories ({ctx.sensitive.join(", ")}). Take a break whenever you need one.</span>
          <BlurAgainButton />
        </div>
      ) : null}

      <div className="grid grid-cols-1 gap-4 lg:grid-cols-3">
        <div className="min-w-0 space-y-4 lg:col-span-2">
          {interaction ? (
            <>
              {systemMessages.length ? (
                <Section title="System prompt" id="system-prompt">
                  <div className="space-y-3">
                    {systemMessages.map((m, i) => (
                      <Message key={i} {...m} />
                    ))}
                  </div>
                </Section>
              ) : null}
              <Section title="Conversation" id="conversation">
                <SensitiveContent label="conversation">
                  <div className="space-y-4">
                    {conversation.map((m, i) => (
                      <Message key={i} {...m} />
                    ))}
                  </div>
                </SensitiveContent>
              </Section>
              <Section title="Response" id="response">
                {interaction.provenance.length ? <ProvenanceLight response={interaction.response} spans={interaction.provenance} /> : null}
                <SensitiveContent label="response">
                  <div data-testid="response">
                    <Collapsible long={isLongText(interaction.response)}>
                      <SafeMarkdown source={interaction.response} provenance={interaction.provenance} />
                    </Collapsible>
                  </div>
                </SensitiveContent>
              </Section>
              {interaction.piiKinds.length || interaction.original !== "none" ? (
                <Section title="Personal data" id="personal-data">
                  <p className="mb-3 text-sm text-slate-700">
                    Redacted before storage: {interaction.piiKinds.join(", ") || "personal data"}. Placeholders such as [EMAIL] stand where it was.
                  </p>
                  {interaction.original === "erased" ? (
                    <p className="text-sm text-slate-600">Original no longer available (erased).</p>
                  ) : interaction.original === "none" ? (
                    <p className="text-sm text-slate-600">No original was kept for this interaction.</p>
                  ) : can(role, "pii:reveal") ? (
                    <RevealOriginal projectId={project.id} itemId={item.id} />
                  ) : (
                    <p className="text-sm text-slate-600">A lead can reveal the original when there is a reason to.</p>
                  )}
                </Section>
              ) : null}
            </>
          ) : (
            <Section title="Interaction" id="conversation">
              <p className="text-sm text-slate-600">
                The interaction has not arrived yet: a report or verdict can reach Rampart before the interaction it is about.
              </p>
            </Section>
          )}

          <Section title="Classifier verdicts" id="verdicts">
            {ctx.verdicts === null ? (
              <p className="text-sm text-slate-700" data-testid="verdicts-hidden">
                Hidden for blind review: this item is a random sample of traffic the classifiers passed, so that their opinion does not anchor yours.
              </p>
            ) : ctx.verdicts.length === 0 ? (
              <p className="text-sm text-slate-600">No classifier verdicts.</p>
            ) : (
              <div className="space-y-3">
                {ctx.verdicts.map((v) => (
                  <div key={v.id} className="rounded-md border border-slate-100 p-3" data-testid="verdict">
                    <p className="mb-2 text-sm">
                      <span className="font-medium">{v.classifier}</span>
                      {v.classifierVersion ? <span className="text-slate-500"> {v.classifierVersion}</span> : null} ·{" "}
                      <span className="font-medium">{v.decision.toLowerCase()}</span>
                      {v.action !== "NONE" ? <span className="text-slate-600"> ({v.action.toLowerCase()})</span> : null} ·{" "}
                      <span className="text-slate-500">{when(v.occurredAt)}</span>
                    </p>
                    <table className="w-full text-sm">
                      <caption className="sr-only">Scores by category from {v.classifier}</caption>
                      <thead className="text-xs text-slate-500">
                        <tr>
                          <th scope="col" className="text-left font-medium">Category</th>
                          <th scope="col" className="text-left font-medium">Score</th>
                        </tr>
                      </thead>
                      <tbody>
                        {v.scores.map(([category, score]) => (
                          <tr key={category}>
                            <td className="py-0.5 pr-3 font-mono text-xs">
                              {category}
                              {v.categories.includes(category) ? <span className="ml-1 text-red-700">flagged</span> : null}
                            </td>
                            <td className="w-2/3 py-0.5">
                              <div className="flex items-center gap-2">
                                <div className="h-1.5 flex-1 rounded-full bg-slate-100" aria-hidden="true">
                                  <div className={`h-1.5 rounded-full ${score >= 0.5 ? "bg-red-500" : "bg-slate-400"}`} style={{ width: `${Math.round(score * 100)}%` }} />
                                </div>
                                <span className="w-10 text-right font-mono text-xs tabular-nums">{score.toFixed(2)}</span>
                              </div>
                            </td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  </div>
                ))}
              </div>
            )}
          </Section>

          <Section title={`User reports (${ctx.reports.length})`} id="reports">
            {ctx.reports.length === 0 ? (
              <p className="text-sm text-slate-600">No user reports.</p>
            ) : (
              <ul className="space-y-2">
                {ctx.reports.map((r) => (
                  <li key={r.id} className="text-sm">
                    <span className="font-medium">{r.category.toLowerCase()}</span> <span className="text-slate-500">· {when(r.occurredAt)}</span>
                    {r.text ? <p className="mt-0.5 whitespace-pre-wrap text-slate-800">{r.text}</p> : <p className="text-slate-500">No text.</p>}
                  </li>
                ))}
              </ul>
            )}
          </Section>

          <Section title="Other interactions of this user" id="same-user">
            {ctx.sameUser.length === 0 ? (
              <p className="text-sm text-slate-600">{interaction?.userRef ? "None in this project." : "The app sent no user id with this interaction."}</p>
            ) : (
              <SensitiveContent label="interactions">
                <ul className="divide-y divide-slate-100">
                  {ctx.sameUser.map((o) => (
                    <li key={o.id} className="py-2 text-sm">
                      <p className="text-xs text-slate-500">
                        {when(o.occurredAt)} · {o.model} ·{" "}
                        {o.item ? (
                          <Link href={`/p/${slug}/queue/${o.item.id}`} className="font-mono text-brand-700 underline">
                            {o.requestId}
                          </Link>
                        ) : (
                          <span className="font-mono">{o.requestId}</span>
                        )}
                      </p>
                      <p className="mt-0.5 break-words text-slate-800">
                        <span className="text-slate-500">User:</span> {o.prompt}
                      </p>
                      <p className="break-words text-slate-800">
                        <span className="text-slate-500">Response:</span> {o.response}
                      </p>
                    </li>
                  ))}
                </ul>
              </SensitiveContent>
            )}
          </Section>
        </div>

        <aside className="min-w-0 space-y-4">
          <Section title={review.mode === "label" ? "Your review" : "Review"} id="review">
            <ReviewPanel
              key={item.id}
              projectId={project.id}
              slug={slug}
              itemId={item.id}
              version={item.version}
              severity={item.severity}
              stage={ctx.stage}
              projectCategories={item.categories.filter((c) => !standardHazards.has(c))}
              {...review}
            />
          </Section>
          {mitigation && interaction ? (
            <Section title="Mitigate" id="mitigate">
              <MitigatePanel
                projectId={project.id}
                itemId={item.id}
                environment={mitigation.environment}
                flags={mitigation.flags.map((f) => ({ key: f.key, kind: f.kind, state: f.state, rolloutPercent: f.exposureBps / 100, version: f.version, welded: f.welded }))}
                unmanaged={interaction.flags.map((f) => f.key).filter((k) => !mitigation.flags.some((f) => f.key === k))}
                mayNarrow={mitigation.may.narrow}
                defaultReason={`Harm seen in triage item ${item.requestId}`}
              />
            </Section>
          ) : null}
          {item.incident ? (
            <Section title="Incident" id="incident">
              <p className="text-sm" data-testid="item-incident">
                Part of{" "}
                <Link href={`/p/${slug}/incidents/${item.incident.id}`} className="font-medium text-brand-700 underline">
                  INC-{item.incident.number}
                </Link>{" "}
                ({item.incident.status.toLowerCase()}): {item.incident.title}
              </p>
            </Section>
          ) : can(role, "incident:manage") ? (
            <OpenIncidentPanel
              projectId={project.id}
              slug={slug}
              flags={(mitigation?.flags ?? []).map((f) => ({ id: f.id, key: f.key, environmentKey: mitigation!.environment.key }))}
              fromItem={{ id: item.id, title: `Harm seen in triage item ${item.requestId}`.slice(0, 200), severity: item.severity }}
            />
          ) : null}
          {ctx.labels.length ? (
            <Section title="Labels" id="labels">
              <ul className="space-y-2" data-testid="labels">
                {ctx.labels.map((l) => (
                  <li key={l.id} className="text-sm">
                    <p>
                      <span className="font-medium">{verdictName(l.verdict)}</span> <span className="text-slate-600">· {labelKindName[l.kind]} by {l.reviewer.name}</span>
                    </p>
                    <p className="text-xs text-slate-500">
                      {when(l.createdAt)}
                      {l.severity ? ` · ${l.severity.toLowerCase()}` : ""}
                      {l.hazardCategories.length ? ` · ${l.hazardCategories.join(", ")}` : ""}
                    </p>
                    {l.notes ? <p className="text-xs whitespace-pre-wrap text-slate-700">{l.notes}</p> : null}
                  </li>
                ))}
              </ul>
            </Section>
          ) : null}
          {interaction ? (
            <>
              <Section title="Details" id="details">
                <Facts
                  rows={[
                    ["Model", `${interaction.model.provider} / ${interaction.model.id}`],
                    ["Model version", interaction.model.version],
                    ["Prompt template", interaction.promptTemplate ? `${interaction.promptTemplate.id}${interaction.promptTemplate.version ? ` v${interaction.promptTemplate.version}` : ""}` : null],
                    ["Environment", interaction.environment],
                    ["Occurred", when(interaction.occurredAt)],
                    ["Latency", interaction.latencyMs === null ? null : `${interaction.latencyMs.toLocaleString("en")} ms`],
                    ["Tokens", interaction.tokensIn === null && interaction.tokensOut === null ? null : `${interaction.tokensIn ?? "?"} in / ${interaction.tokensOut ?? "?"} out`],
                    ["Cost", money(interaction.costMicros)],
                    ["User", interaction.userRef ? <span className="font-mono text-xs">{interaction.userRef.slice(0, 16)}</span> : null],
                  ]}
                />
              </Section>
              <Section title="Cohort" id="cohort">
                <Facts
                  rows={[
                    ["Platform", interaction.cohort.platform],
                    ["Region", interaction.cohort.region],
                    ["Device", interaction.cohort.deviceClass],
                    ["Segment", interaction.cohort.segment],
                    ["Locale", interaction.cohort.locale],
                  ]}
                />
              </Section>
              <Section title="Flag state" id="flag-state">
                {interaction.flags.length === 0 ? (
                  <p className="text-sm text-slate-600">No flags in the snapshot.</p>
                ) : (
                  <table className="w-full text-left text-sm" data-testid="flag-state">
                    <caption className="sr-only">Flags as evaluated for this interaction</caption>
                    <thead className="text-xs text-slate-500">
                      <tr>
                        <th scope="col" className="font-medium">Flag</th>
                        <th scope="col" className="font-medium">Value</th>
                        <th scope="col" className="font-medium">Version</th>
                        <th scope="col" className="font-medium">Rollout</th>
                      </tr>
                    </thead>
                    <tbody>
                      {interaction.flags.map((f) => (
                        <tr key={f.key} className="border-t border-slate-100 align-top">
                          <td className="py-1 pr-2 font-mono text-xs break-all">{f.key}</td>
                          <td className="py-1 pr-2 font-mono text-xs break-all">
                            {compact(f.value)}
                            {f.variant ? <span className="text-slate-500"> ({f.variant})</span> : null}
                          </td>
                          <td className="py-1 pr-2 text-xs">{f.version ?? "—"}</td>
                          <td className="py-1 text-xs">{f.rolloutPercent === null ? "—" : `${f.rolloutPercent}%`}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                )}
              </Section>
            </>
          ) : null}

          <Section title="History" id="history">
            {ctx.history.length === 0 ? (
              <p className="text-sm text-slate-600">Nothing has happened to this item yet.</p>
            ) : (
              <ol className="space-y-2" data-testid="history">
                {ctx.history.map((e) => {
                  const reason = e.metadata && typeof e.metadata === "object" && "reason" in e.metadata ? String((e.metadata as { reason: unknown }).reason) : null;
                  return (
                    <li key={e.id} className="text-sm">
                      <p>
                        <span className="font-mono text-xs font-medium">{e.action}</span> <span className="text-slate-600">by {e.actorLabel ?? e.actorType.toLowerCase()}</span>
                      </p>
                      <p className="text-xs text-slate-500">{when(e.createdAt)}</p>
                      {reason ? <p className="text-xs text-slate-700">Reason: {reason}</p> : null}
                      {e.before || e.after ? (
                        <p className="font-mono text-xs break-all text-slate-500">
                          {compact(e.before)} → {compact(e.after)}
                        </p>
                      ) : null}
                    </li>
                  );
                })}
              </ol>
            )}
          </Section>

          <Section title="Your settings" id="settings">
            <div className="space-y-3">
              <BlurPreference blurSensitive={prefs.blurSensitive} />
              <BreakPreference breakAfterSev1={prefs.breakAfterSev1} />
            </div>
          </Section>
        </aside>
      </div>
    </SensitiveGate>
  );
}
