// Who may use what: one rule for every page, route handler and server action
// the inventory finds (e2e/authz/inventory.ts). The matrix
// (e2e/authz-matrix.spec.ts) fails for anything without a rule here and for a
// rule whose page, route or action no longer exists — so a new route cannot
// ship without someone deciding who may call it.
//
// Rules are written from the role table (lib/auth/permissions.ts) and what
// each feature is for, not copied from the code under test.
import type { ApiScopeName } from "../../lib/api-keys/key-format";
import type { Permission } from "../../lib/auth/permissions";

export type Access =
  /** Anyone, signed in or not. */
  | { kind: "public" }
  /** Any signed-in user; no project involved. */
  | { kind: "session" }
  /** Owners and admins of the organization; everyone else is told it does not exist. */
  | { kind: "orgAdmin" }
  /** Members of the project whose role has the permission; other members 403, non-members 404. */
  | { kind: "permission"; permission: Permission }
  /** A project API key holding one of the scopes (any valid key when empty). */
  | { kind: "apiKey"; scopes: ApiScopeName[] }
  /** The Prometheus bearer token (RAMPART_METRICS_TOKEN). */
  | { kind: "metricsToken" };

const permission = (p: Permission): Access => ({ kind: "permission", permission: p });
const apiKey = (...scopes: ApiScopeName[]): Access => ({ kind: "apiKey", scopes });
const PUBLIC: Access = { kind: "public" };
const SESSION: Access = { kind: "session" };

export type PageRule = {
  access: Access;
  /** What an allowed visitor gets (a page that only forwards answers 307). */
  success?: number;
  /** For public pages: what a signed-in visitor gets. */
  signedIn?: number;
};

/** Rows of the demo seed an action or page needs to find before it can refuse, per project. */
export type Target = {
  projectId: string;
  slug: string;
  orgId: string;
  /** A triage item and a flag of the project. */
  item: string;
  flag: string;
  /** A well-formed id that names nothing. */
  none: string;
};

export type RouteRule = {
  access: Access;
  /** The request that probes it: path parameters are filled in from the target. */
  probe?: { path?: (t: Target) => string; body?: unknown };
  /** What an allowed caller gets for the probe. */
  success: number;
  /** For an allowed caller whose probe names nothing: the error message (so it cannot be the project's). */
  successMessage?: RegExp;
};

export type ActionRule = {
  access: Access;
  /**
   * The arguments, as the browser sends them (bound ones first). Chosen to be
   * refused after the authorization check — a row that names nothing, a stale
   * version, a missing reason — so that no role changes anything, whatever
   * the check decides; or, where that is impossible, to change nothing.
   */
  args: (t: Target) => unknown[];
  /** How this action words a refusal when it is not the generic one. */
  refusal?: RegExp;
  /** Why the allowed roles are not probed (the action would change demo data later specs read). */
  skipAllowed?: string;
  /** For an allowed role: what the result must say (for actions that must really run, and do nothing). */
  allowedResult?: RegExp;
  /**
   * Arguments naming the caller's own project and the other project's rows
   * (passed in as the target): a member allowed to act must not find them.
   * Valid up to that lookup, and harmless even if it found them.
   */
  foreignRows?: (t: Target) => unknown[];
};

/** FormData from fields (a list appends the field once per value). */
export function form(fields: Record<string, string | string[]> = {}): FormData {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) for (const item of Array.isArray(v) ? v : [v]) f.append(k, item);
  return f;
}

const idle = { ok: true };

export const pageRules: Record<string, PageRule> = {
  "/": { access: SESSION, success: 307 },
  "/sign-in": { access: PUBLIC, signedIn: 307 },
  "/admin/projects": { access: { kind: "orgAdmin" } },
  "/p/[project]": { access: permission("project:read"), success: 307 },
  "/p/[project]/queue": { access: permission("queue:read") },
  "/p/[project]/queue/[itemId]": { access: permission("queue:read") },
  "/p/[project]/flags": { access: permission("flag:read") },
  "/p/[project]/flags/[flagId]": { access: permission("flag:read") },
  "/p/[project]/incidents": { access: permission("incident:read") },
  // The seed has no incident (opening one would renumber those later specs open), so the probe names none.
  "/p/[project]/incidents/[incidentId]": { access: permission("incident:read"), success: 404 },
  "/p/[project]/dashboards": { access: permission("dashboard:read"), success: 307 },
  "/p/[project]/dashboards/[name]": { access: permission("dashboard:read") },
  "/p/[project]/exports": { access: permission("export:read") },
  "/p/[project]/gate": { access: permission("dashboard:read") },
  // The probe names no run.
  "/p/[project]/gate/runs/[runId]": { access: permission("dashboard:read"), success: 404 },
  "/p/[project]/admin": { access: permission("project:manage") },
  "/p/[project]/admin/members": { access: permission("member:manage") },
  "/p/[project]/admin/api-keys": { access: permission("apikey:manage") },
  "/p/[project]/admin/webhooks": { access: permission("webhook:manage") },
  "/p/[project]/admin/triage": { access: permission("project:manage") },
  "/p/[project]/admin/rollback": { access: permission("flag:read") },
  "/p/[project]/admin/audit": { access: permission("audit:read") },
};

export const routeRules: Record<string, RouteRule> = {
  "GET /api/health": { access: PUBLIC, success: 200 },
  "GET /api/openapi.json": { access: PUBLIC, success: 200 },
  "GET /api/auth/[...nextauth]": { access: PUBLIC, probe: { path: () => "/api/auth/providers" }, success: 200 },
  // A sign-in without the CSRF token is turned away the same for everyone.
  "POST /api/auth/[...nextauth]": {
    access: PUBLIC,
    probe: { path: () => "/api/auth/signout", body: {} },
    success: 302,
  },
  "GET /metrics": { access: { kind: "metricsToken" }, success: 200 },
  "GET /api/v1/whoami": { access: apiKey(), success: 200 },
  // An empty batch: refused for its body, so nothing is stored.
  "POST /api/v1/events": { access: apiKey("events:write"), probe: { body: {} }, success: 400 },
  "POST /api/v1/reports": { access: apiKey("reports:write", "events:write"), probe: { body: {} }, success: 400 },
  "GET /ofrep/v1/configuration": { access: apiKey("flags:read"), success: 200 },
  "POST /ofrep/v1/evaluate/flags": { access: apiKey("flags:read"), probe: { body: {} }, success: 200 },
  "POST /ofrep/v1/evaluate/flags/{key}": {
    access: apiKey("flags:read"),
    probe: { path: () => "/ofrep/v1/evaluate/flags/assistant-enabled", body: { context: { targetingKey: "authz" } } },
    success: 200,
  },
  "GET /ofrep/v1/stream": { access: apiKey("flags:read"), success: 200 },
  "GET /p/[project]/dashboards/[name]/data": {
    access: permission("dashboard:read"),
    probe: { path: (t) => `/p/${t.slug}/dashboards/safety/data?range=7d` },
    success: 200,
  },
  // Release gate, for CI pipelines: bodies refused for their shape, names that name nothing.
  "PUT /api/v1/gate/suites/[name]": { access: apiKey("gate:write"), probe: { path: () => "/api/v1/gate/suites/authz-probe", body: {} }, success: 400 },
  "GET /api/v1/gate/suites/[name]": {
    access: apiKey("gate:read"),
    probe: { path: () => "/api/v1/gate/suites/no-such-suite" },
    success: 404,
    successMessage: /^No suite "no-such-suite" in this project$/,
  },
  "POST /api/v1/gate/runs": { access: apiKey("gate:write"), probe: { body: {} }, success: 400 },
  "GET /api/v1/gate/runs/[runId]": {
    access: apiKey("gate:read"),
    probe: { path: () => "/api/v1/gate/runs/no-such-run" },
    success: 404,
    successMessage: /^No gate run "no-such-run" in this project$/,
  },
  "POST /api/v1/gate/runs/[runId]/complete": {
    access: apiKey("gate:write"),
    probe: { path: () => "/api/v1/gate/runs/no-such-run/complete" },
    success: 404,
    successMessage: /^No gate run "no-such-run" in this project$/,
  },
  "GET /p/[project]/gate/suites/[name]/export": {
    access: permission("dashboard:read"),
    probe: { path: (t) => `/p/${t.slug}/gate/suites/no-such-suite/export` },
    success: 404,
    successMessage: /^No suite "no-such-suite" in this project$/,
  },
  "GET /p/[project]/exports/[exportId]/download": {
    access: permission("export:read"),
    probe: { path: (t) => `/p/${t.slug}/exports/${t.none}/download` },
    success: 404,
    successMessage: /^Export not found$/,
  },
};

const ADMIN = "app/p/[project]/admin/actions.ts";
const ROLLBACK = "app/p/[project]/admin/rollback/actions.ts";
const TRIAGE = "app/p/[project]/admin/triage/actions.ts";
const WEBHOOKS = "app/p/[project]/admin/webhooks/actions.ts";
const EXPORTS = "app/p/[project]/exports/actions.ts";
const FLAGS = "app/p/[project]/flags/actions.ts";
const GATE = "app/p/[project]/gate/actions.ts";
const INCIDENTS = "app/p/[project]/incidents/actions.ts";
const QUEUE = "app/p/[project]/queue/actions.ts";
const ITEM = "app/p/[project]/queue/[itemId]/actions.ts";

/** A rollback rule the form accepts but the service refuses (no such metric). */
const rollbackRuleForm = () =>
  form({
    name: "authz probe",
    metric: "no-such-metric",
    comparison: "ABSOLUTE",
    threshold: "1",
    windowAmount: "1",
    windowUnit: "h",
    minSamples: "1",
    action: "CUT",
    cooldownAmount: "1",
    cooldownUnit: "h",
  });
/** A severity rule the form accepts. */
const severityRuleForm = () =>
  form({ name: "authz probe", severity: "SEV4", categories: "S1", minScore: "", minReports: "" });
/** A label carrying a version the item does not have, so that nothing is saved. */
const staleLabelForm = () => form({ verdict: "BENIGN", outcome: "resolve", expectedVersion: "999" });

export const actionRules: Record<string, ActionRule> = {
  // The slug is taken, so even an organization admin creates nothing.
  "app/admin/projects/actions.ts#createProjectAction": {
    access: { kind: "orgAdmin" },
    args: (t) => [idle, form({ orgId: t.orgId, name: "Authz probe", slug: t.slug })],
    refusal: /^Organization not found$/,
  },

  [`${ADMIN}#renameProjectAction`]: {
    access: permission("project:manage"),
    args: (t) => [t.projectId, idle, form({ name: "" })],
  },
  [`${ADMIN}#createEnvironmentAction`]: {
    access: permission("project:manage"),
    args: (t) => [t.projectId, idle, form({ key: "", name: "" })],
  },
  [`${ADMIN}#toggleProtectedAction`]: {
    access: permission("project:manage"),
    args: (t) => [t.projectId, t.none, true],
  },
  [`${ADMIN}#addMemberAction`]: {
    access: permission("member:manage"),
    args: (t) => [t.projectId, idle, form({ email: "not-an-email", role: "VIEWER" })],
  },
  [`${ADMIN}#changeRoleAction`]: { access: permission("member:manage"), args: (t) => [t.projectId, t.none, "VIEWER"] },
  [`${ADMIN}#removeMemberAction`]: { access: permission("member:manage"), args: (t) => [t.projectId, t.none] },
  [`${ADMIN}#createApiKeyAction`]: {
    access: permission("apikey:manage"),
    args: (t) => [t.projectId, idle, form({ name: "" })],
  },
  [`${ADMIN}#revokeApiKeyAction`]: { access: permission("apikey:manage"), args: (t) => [t.projectId, t.none] },
  [`${ADMIN}#eraseSubjectAction`]: {
    access: permission("project:manage"),
    args: (t) => [t.projectId, idle, form({ userId: "", reason: "" })],
  },

  // Verifying appends its own audit event and changes nothing else.
  "app/p/[project]/admin/audit/actions.ts#verifyAuditChainAction": {
    access: permission("audit:read"),
    args: (t) => [t.projectId, idle],
    allowedResult: /^ok/,
  },

  [`${ROLLBACK}#createRollbackRuleAction`]: {
    access: permission("flag:change"),
    args: (t) => [t.projectId, idle, rollbackRuleForm()],
  },
  [`${ROLLBACK}#updateRollbackRuleAction`]: {
    access: permission("flag:change"),
    args: (t) => [t.projectId, t.none, idle, rollbackRuleForm()],
  },
  [`${ROLLBACK}#setRollbackRuleEnabledAction`]: {
    access: permission("flag:change"),
    args: (t) => [t.projectId, t.none, true],
  },
  [`${ROLLBACK}#setRollbackRuleDryRunAction`]: {
    access: permission("flag:change"),
    args: (t) => [t.projectId, t.none, true],
  },
  [`${ROLLBACK}#deleteRollbackRuleAction`]: { access: permission("flag:change"), args: (t) => [t.projectId, t.none] },

  [`${TRIAGE}#createRuleAction`]: {
    access: permission("project:manage"),
    args: (t) => [t.projectId, idle, severityRuleForm()],
    skipAllowed:
      "a valid rule is stored at once (nothing after the check refuses it), and the rules are triage-settings.spec's",
  },
  [`${TRIAGE}#updateRuleAction`]: {
    access: permission("project:manage"),
    args: (t) => [t.projectId, t.none, idle, severityRuleForm()],
  },
  [`${TRIAGE}#deleteRuleAction`]: { access: permission("project:manage"), args: (t) => [t.projectId, t.none] },
  [`${TRIAGE}#setRuleEnabledAction`]: {
    access: permission("project:manage"),
    args: (t) => [t.projectId, t.none, true],
  },
  [`${TRIAGE}#moveRuleAction`]: { access: permission("project:manage"), args: (t) => [t.projectId, t.none, "up"] },
  // The seed runs on the shipped defaults: resetting to them changes nothing.
  [`${TRIAGE}#resetRulesAction`]: {
    access: permission("project:manage"),
    args: (t) => [t.projectId],
    allowedResult: /^ok: The shipped defaults already apply/,
  },
  // The seeded SEV4 policy and sampling, sent back unchanged.
  [`${TRIAGE}#updateSlaPolicyAction`]: {
    access: permission("project:manage"),
    args: (t) => [
      t.projectId,
      idle,
      form({
        severity: "SEV4",
        firstTriage: "72",
        firstTriageUnit: "hours",
        resolution: "168",
        resolutionUnit: "hours",
        atRiskPercent: "75",
        calendar: "CALENDAR",
        timeZone: "UTC",
        workingDays: ["1", "2", "3", "4", "5"],
        workStart: "09:00",
        workEnd: "17:00",
      }),
    ],
    allowedResult: /^ok: Nothing changed/,
  },
  [`${TRIAGE}#updateSamplingAction`]: {
    access: permission("project:manage"),
    args: (t) => [t.projectId, idle, form({ sampleRate: "1", doubleReviewRate: "0" })],
    allowedResult: /^ok: Nothing changed/,
  },

  [`${WEBHOOKS}#createWebhookEndpointAction`]: {
    access: permission("webhook:manage"),
    args: (t) => [t.projectId, idle, form({ name: "", url: "" })],
  },
  [`${WEBHOOKS}#updateWebhookEndpointAction`]: {
    access: permission("webhook:manage"),
    args: (t) => [t.projectId, t.none, idle, form({ name: "x", url: "https://example.com/hook" })],
  },
  [`${WEBHOOKS}#deleteWebhookEndpointAction`]: {
    access: permission("webhook:manage"),
    args: (t) => [t.projectId, t.none],
  },
  [`${WEBHOOKS}#retryWebhookDeliveryAction`]: {
    access: permission("webhook:manage"),
    args: (t) => [t.projectId, t.none],
  },

  [`${EXPORTS}#createExportAction`]: {
    access: permission("export:create"),
    args: (t) => [t.projectId, idle, form({ format: "no-such-format" })],
  },
  [`${EXPORTS}#cancelExportAction`]: { access: permission("export:create"), args: (t) => [t.projectId, t.none] },
  [`${EXPORTS}#rerunExportAction`]: { access: permission("export:create"), args: (t) => [t.projectId, t.none] },

  // Prompts that are not JSON: refused after the permission check, nothing saved.
  [`${GATE}#importSuiteAction`]: {
    access: permission("flag:change"),
    args: (t) => [t.projectId, idle, form({ name: "authz-probe", kind: "RED_TEAM", maxHarmful: "0.5", maxFailed: "2", jsonl: "not json" })],
    allowedResult: /line 1: not JSON/,
  },

  [`${FLAGS}#createFlagAction`]: {
    access: permission("flag:change"),
    args: (t) => [
      t.projectId,
      idle,
      form({ kind: "RELEASE", key: "", rolloutPercent: "0", environmentIds: [t.none], reason: "" }),
    ],
  },
  // Narrowing (off) is a reviewer's; the stale version stops whoever passes.
  [`${FLAGS}#changeFlagAction`]: {
    access: permission("flag:narrow"),
    args: (t) => [
      t.projectId,
      t.flag,
      form({ change: "enabled", enabled: "false", reason: "authz probe", expectedVersion: "999" }),
    ],
    foreignRows: (t) => [
      t.projectId,
      t.flag,
      form({ change: "enabled", enabled: "false", reason: "authz probe", expectedVersion: "999" }),
    ],
  },
  // No reason: refused after the check; the flag is looked up (in the addressed project) before that.
  [`${FLAGS}#killFlagAction`]: {
    access: permission("flag:narrow"),
    args: (t) => [t.projectId, t.flag, form({ reason: "" })],
    foreignRows: (t) => [t.projectId, t.flag, form({ reason: "" })],
  },
  [`${FLAGS}#cutRolloutAction`]: {
    access: permission("flag:narrow"),
    args: (t) => [t.projectId, t.flag, form({ reason: "" })],
    foreignRows: (t) => [t.projectId, t.flag, form({ reason: "" })],
  },
  [`${FLAGS}#revertFlagAction`]: {
    access: permission("flag:narrow"),
    args: (t) => [t.projectId, t.flag, 1, form({ reason: "", expectedVersion: "999" })],
    foreignRows: (t) => [t.projectId, t.flag, 1, form({ reason: "authz probe", expectedVersion: "999" })],
  },
  [`${FLAGS}#approveFlagVersionAction`]: { access: permission("flag:approve"), args: (t) => [t.projectId, t.none] },
  [`${FLAGS}#rejectFlagVersionAction`]: {
    access: permission("flag:approve"),
    args: (t) => [t.projectId, t.none, form({ reason: "authz probe" })],
  },
  [`${FLAGS}#setCostCeilingAction`]: {
    access: permission("flag:change"),
    args: (t) => [t.projectId, t.flag, idle, form({ usdPerUserHour: "1", reason: "" })],
    // Removing a ceiling the seeded flags do not have: unchanged if it were found.
    foreignRows: (t) => [t.projectId, t.flag, idle, form({ remove: "1", reason: "authz probe" })],
  },
  // A reason too short: refused after the permission check. Removing a gate the seeded flags do not have changes nothing.
  [`${FLAGS}#setFlagGateAction`]: {
    access: permission("flag:change"),
    args: (t) => [t.projectId, t.flag, idle, form({ candidate: "model=openai/gpt-4.1-mini@1", reason: "" })],
    foreignRows: (t) => [t.projectId, t.flag, idle, form({ remove: "1", reason: "authz probe" })],
  },
  [`${FLAGS}#setKillSwitchAction`]: {
    access: permission("flag:narrow"),
    args: (t) => [t.projectId, t.none, true, form({ reason: "authz probe" })],
  },

  [`${INCIDENTS}#openIncidentAction`]: {
    access: permission("incident:manage"),
    args: (t) => [t.projectId, t.slug, idle, form({ title: "", severity: "SEV4" })],
  },
  [`${INCIDENTS}#stepIncidentAction`]: {
    access: permission("incident:manage"),
    args: (t) => [t.projectId, t.none, "acknowledged", form()],
  },
  [`${INCIDENTS}#addIncidentNoteAction`]: {
    access: permission("incident:manage"),
    args: (t) => [t.projectId, t.none, idle, form({ message: "authz probe" })],
  },
  [`${INCIDENTS}#setIncidentPostmortemAction`]: {
    access: permission("incident:manage"),
    args: (t) => [t.projectId, t.none, idle, form({ postmortem: "authz probe" })],
  },

  [`${QUEUE}#claimNextAction`]: {
    access: permission("item:claim"),
    args: (t) => [t.projectId, t.slug, idle],
    skipAllowed: "it would claim the most urgent demo item, which the review specs claim next",
  },
  [`${QUEUE}#bulkTransitionAction`]: {
    access: permission("item:bulk"),
    args: (t) => [t.projectId, t.slug, idle, form({ action: "resolve", itemId: [t.none], reason: "authz probe" })],
    // Back to the queue with nothing changed (the item does not exist).
    allowedResult: /changed=0&skipped=1$/,
  },
  // Preferences are the caller's own: any signed-in user, no project.
  [`${QUEUE}#setBlurSensitiveAction`]: {
    access: SESSION,
    args: () => [true],
    allowedResult: /^ok: Sensitive content will be blurred/,
  },
  [`${QUEUE}#setBreakAfterSev1Action`]: { access: SESSION, args: () => [idle, form({ breakAfterSev1: "many" })] },
  [`${QUEUE}#tookBreakAction`]: { access: SESSION, args: () => [], allowedResult: /^ok: Welcome back/ },

  [`${ITEM}#itemTransitionAction`]: {
    access: permission("item:escalate"),
    args: (t) => [
      t.projectId,
      t.item,
      idle,
      form({ action: "escalate", expectedVersion: "999", reason: "authz probe" }),
    ],
    foreignRows: (t) => [
      t.projectId,
      t.item,
      idle,
      form({ action: "escalate", expectedVersion: "999", reason: "authz probe" }),
    ],
  },
  [`${ITEM}#submitLabelAction`]: {
    access: permission("item:label"),
    args: (t) => [t.projectId, t.slug, t.item, idle, staleLabelForm()],
    foreignRows: (t) => [t.projectId, t.slug, t.item, idle, staleLabelForm()],
  },
  // Revealing is a read (and an audit event); without a reason it is refused after the check.
  [`${ITEM}#revealOriginalAction`]: {
    access: permission("pii:reveal"),
    args: (t) => [t.projectId, t.item, idle, form({ reason: "" })],
    foreignRows: (t) => [t.projectId, t.item, idle, form({ reason: "authz probe of another project's item" })],
  },
  [`${ITEM}#mitigateAction`]: {
    access: permission("flag:narrow"),
    args: (t) => [
      t.projectId,
      t.item,
      idle,
      form({ mitigation: "kill", flagKey: "assistant-enabled", environmentId: t.none, reason: "" }),
    ],
  },
};
