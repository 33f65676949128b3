// The authorization matrix (issue #11): every page, route handler, lean
// endpoint and server action the inventory finds, called by every kind of
// caller — no session, each demo role on its own project, each member on a
// project it does not belong to, API keys without, with the wrong and with
// the right scope — and compared with the rules in e2e/authz/rules.ts.
//
// Actions are called over HTTP the way the browser calls them: a POST to a
// page that carries the action, with the Next-Action header naming the id the
// build gave it and the arguments encoded as React's encodeReply does
// (multipart: field "0" holds the JSON of the arguments, FormData arguments
// travel as "$K<n>" with their fields prefixed "_<n>_").
//
// Every probe is refused after the authorization check or changes nothing
// (see ActionRule.args), so the demo data later specs read stays as seeded.
import { recordFact } from "../tests/reliability-facts";
import { randomBytes, randomUUID } from "node:crypto";
import { expect, test as base, type APIRequestContext, type APIResponse } from "@playwright/test";
import { apiScopeNames, type ApiScopeName } from "../lib/api-keys/key-format";
import { can, type Role } from "../lib/auth/permissions";
import { accounts, PASSWORD, PROJECT, type DemoRole } from "./helpers";
import { actions, actionsInSource, pages, routes, type ActionEntry } from "./authz/inventory";
import { actionRules, form, pageRules, routeRules, type Access, type ActionRule, type Target } from "./authz/rules";

const OTHER_PROJECT = "search-summaries";
const ROLES: readonly DemoRole[] = ["admin", "lead", "reviewer", "viewer"];
// The demo seed: admin owns the organization (so is an admin of every project);
// the others hold their role on support-assistant and are not members of search-summaries.
const projectRole: Record<DemoRole, Role> = { admin: "ADMIN", lead: "LEAD", reviewer: "REVIEWER", viewer: "VIEWER" };
const isOrgAdmin = (role: DemoRole) => role === "admin";
const NON_MEMBERS_OF_OTHER: readonly DemoRole[] = ["lead", "reviewer", "viewer"];

// How the services word the three refusals (lib/auth/session.ts, lib/auth/access.ts, lib/errors.ts).
const SIGNED_OUT = "Sign in to continue";
const HIDDEN = "Project not found";
const REFUSED = "You do not have permission to do that";

const METRICS_TOKEN = process.env.RAMPART_METRICS_TOKEN ?? "";
const NOT_AN_ID = "not-an-id";

type Keys = {
  /** One key per scope on the own project, holding only that scope. */
  byScope: Record<ApiScopeName, string>;
  /** A key of the other project holding every scope. */
  otherProject: string;
  revoked: string;
  created: CreatedKey[];
};
type CreatedKey = { target: Target; name: string };

type World = {
  baseURL: string;
  anonymous: APIRequestContext;
  as: Record<DemoRole, APIRequestContext>;
  own: Target;
  other: Target;
  keys: Keys;
};

const test = base.extend<object, { world: World }>({
  world: [
    async ({ playwright }, use, workerInfo) => {
      const baseURL = String(workerInfo.project.use.baseURL).replace(/\/$/, "");
      const anonymous = await playwright.request.newContext({ baseURL });
      const as = {} as Record<DemoRole, APIRequestContext>;
      for (const role of ROLES) as[role] = await signedIn(await playwright.request.newContext({ baseURL }), role);
      const orgId = await discoverOrgId(as.admin);
      const own = await discoverTarget(as.admin, PROJECT, orgId);
      const other = await discoverTarget(as.admin, OTHER_PROJECT, orgId);
      const keys = await createKeys(as.admin, baseURL, own, other);
      await use({ baseURL, anonymous, as, own, other, keys });
      await revokeKeys(as.admin, baseURL, keys.created);
      for (const ctx of [anonymous, ...Object.values(as)]) await ctx.dispose();
    },
    { scope: "worker", timeout: 60_000 },
  ],
});

// ───────────── sessions, discovery and keys ─────────────

async function signedIn(ctx: APIRequestContext, role: DemoRole): Promise<APIRequestContext> {
  const { csrfToken } = (await (await ctx.get("/api/auth/csrf")).json()) as { csrfToken: string };
  const res = await ctx.post("/api/auth/callback/credentials", {
    form: { csrfToken, email: accounts[role], password: PASSWORD, json: "true" },
    maxRedirects: 0,
  });
  expect(res.status(), `sign-in of ${role}`).toBeLessThan(400);
  const session = (await (await ctx.get("/api/auth/session")).json()) as { user?: { email?: string } };
  expect(session.user?.email, `session of ${role}`).toBe(accounts[role]);
  return ctx;
}

async function html(ctx: APIRequestContext, path: string): Promise<string> {
  const res = await ctx.get(path, { maxRedirects: 0 });
  expect(res.status(), path).toBe(200);
  return res.text();
}

/** The first capture of re in the page (React's payload escapes its quotes, hence the \\?). */
function firstMatch(text: string, re: RegExp, what: string): string {
  const m = re.exec(text);
  if (!m?.[1]) throw new Error(`could not find ${what}`);
  return m[1];
}

const UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

async function discoverOrgId(admin: APIRequestContext): Promise<string> {
  return firstMatch(
    await html(admin, "/admin/projects"),
    new RegExp(`orgId\\\\?"[:,]\\\\?"(${UUID})`),
    "the organization id",
  );
}

async function discoverTarget(admin: APIRequestContext, slug: string, orgId: string): Promise<Target> {
  const queue = await html(admin, `/p/${slug}/queue`);
  const flags = await html(admin, `/p/${slug}/flags`);
  return {
    slug,
    orgId,
    projectId: firstMatch(queue, new RegExp(`projectId\\\\?"[:,]\\\\?"(${UUID})`), `the id of ${slug}`),
    item: firstMatch(queue, new RegExp(`/p/${slug}/queue/(${UUID})`), `an item of ${slug}`),
    flag: firstMatch(flags, new RegExp(`/p/${slug}/flags/(${UUID})`), `a flag of ${slug}`),
    none: randomUUID(),
  };
}

function actionEntry(key: string): ActionEntry {
  const entry = actions().find((a) => a.key === key);
  if (!entry) throw new Error(`no server action ${key} in the build`);
  return entry;
}

async function createKey(
  admin: APIRequestContext,
  origin: string,
  t: Target,
  name: string,
  scopes: readonly ApiScopeName[],
): Promise<string> {
  const outcome = await callAction(
    admin,
    origin,
    actionEntry("app/p/[project]/admin/actions.ts#createApiKeyAction"),
    t,
    [t.projectId, { ok: true }, form({ name, scopes: [...scopes] })],
  );
  const key =
    outcome.kind === "result" && outcome.result.ok
      ? (outcome.result.data as { key?: string } | undefined)?.key
      : undefined;
  if (!key) throw new Error(`could not create the API key ${name}: ${summarize(outcome)}`);
  return key;
}

async function keyIds(admin: APIRequestContext, slug: string, names: string[]): Promise<string[]> {
  const page = await html(admin, `/p/${slug}/admin/api-keys`);
  return names.map((name) =>
    firstMatch(
      page,
      new RegExp(`"id\\\\?":\\\\?"(${UUID})\\\\?",\\\\?"name\\\\?":\\\\?"${name}\\\\?"`),
      `the id of key ${name}`,
    ),
  );
}

async function revokeKeys(admin: APIRequestContext, origin: string, created: CreatedKey[]): Promise<void> {
  for (const target of new Set(created.map((c) => c.target))) {
    const ids = await keyIds(
      admin,
      target.slug,
      created.filter((c) => c.target === target).map((c) => c.name),
    );
    for (const id of ids) {
      const outcome = await callAction(
        admin,
        origin,
        actionEntry("app/p/[project]/admin/actions.ts#revokeApiKeyAction"),
        target,
        [target.projectId, id],
      );
      expect(summarize(outcome), `revoking key ${id}`).toMatch(/^ok/);
    }
  }
}

async function createKeys(admin: APIRequestContext, origin: string, own: Target, other: Target): Promise<Keys> {
  const run = randomBytes(4).toString("hex");
  const created: CreatedKey[] = [];
  const make = async (target: Target, label: string, scopes: readonly ApiScopeName[]) => {
    const name = `authz-${run}-${label}`;
    const key = await createKey(admin, origin, target, name, scopes);
    created.push({ target, name });
    return key;
  };
  const byScope = {} as Record<ApiScopeName, string>;
  for (const scope of apiScopeNames) byScope[scope] = await make(own, scope.replace(":", "-"), [scope]);
  const otherProject = await make(other, "other", apiScopeNames);
  const revoked = await make(own, "revoked", apiScopeNames);
  await revokeKeys(admin, origin, created.splice(created.length - 1));
  return { byScope, otherProject, revoked, created };
}

// ───────────── calling a server action ─────────────

type ActionResultShape = { ok: boolean; error?: string; message?: string; data?: unknown };
type ActionOutcome =
  | { kind: "result"; result: ActionResultShape }
  | { kind: "redirect"; status: number; location: string }
  | { kind: "failed"; status: number; body: string };

/** encodeReply for what actions here take: strings, numbers, booleans, plain objects, arrays and FormData. */
function encodeArgs(args: unknown[]): FormData {
  const body = new FormData();
  let next = 1;
  const encode = (value: unknown): unknown => {
    if (value instanceof FormData) {
      const id = next++;
      value.forEach((v, k) => body.append(`_${id}_${k}`, v));
      return `$K${id.toString(16)}`;
    }
    if (typeof value === "string") return value.startsWith("$") ? `$${value}` : value;
    if (value === undefined) return "$undefined";
    if (Array.isArray(value)) return value.map(encode);
    if (value !== null && typeof value === "object")
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, encode(v)]));
    return value;
  };
  body.set("0", JSON.stringify(args.map(encode)));
  return body;
}

/** The page to post to: the first page whose bundle carries the action, with the target's values for its params. */
function actionPath(entry: ActionEntry, t: Target): string {
  const pattern = entry.pages[0];
  if (!pattern) throw new Error(`${entry.key} is carried by no page`);
  return fillParams(pattern, t);
}

/** As the browser does; origin is the server's own (Next refuses actions posted from another). */
async function callAction(
  ctx: APIRequestContext,
  origin: string,
  entry: ActionEntry,
  t: Target,
  args: unknown[],
): Promise<ActionOutcome> {
  const res = await ctx.post(actionPath(entry, t), {
    headers: { "next-action": entry.id, accept: "text/x-component", origin },
    multipart: encodeArgs(args),
    maxRedirects: 0,
  });
  const redirect =
    res.headers()["x-action-redirect"] ??
    (res.status() >= 300 && res.status() < 400 ? res.headers()["location"] : undefined);
  if (redirect) return { kind: "redirect", status: res.status(), location: redirect.split(";")[0]! };
  const body = await res.text();
  if (res.status() !== 200 || !(res.headers()["content-type"] ?? "").startsWith("text/x-component"))
    return { kind: "failed", status: res.status(), body };
  return parseFlight(body) ?? { kind: "failed", status: res.status(), body };
}

/** Reads the action's return value from the RSC answer: row 0 points at it ("$@<row>") or holds it. */
function parseFlight(body: string): ActionOutcome | null {
  const rows = new Map<string, string>();
  for (const line of body.split("\n")) {
    const m = /^([0-9a-f]+):(.*)$/.exec(line);
    if (m) rows.set(m[1]!, m[2]!);
  }
  const root = rows.get("0");
  if (!root?.startsWith("{")) return null;
  const a = (JSON.parse(root) as { a?: unknown }).a;
  const value = typeof a === "string" && a.startsWith("$@") ? rows.get(a.slice(2)) : JSON.stringify(a);
  if (!value?.startsWith("{")) return null;
  return { kind: "result", result: JSON.parse(value) as ActionResultShape };
}

function summarize(o: ActionOutcome): string {
  if (o.kind === "redirect") return `redirect ${o.status} → ${o.location}`;
  if (o.kind === "failed") return `HTTP ${o.status}: ${o.body.slice(0, 200)}`;
  return o.result.ok ? `ok${o.result.message ? `: ${o.result.message}` : ""}` : (o.result.error ?? "error");
}

type Verdict = "signed out" | "hidden" | "refused" | "allowed" | "failed";

function verdictOf(o: ActionOutcome, rule: ActionRule): Verdict {
  if (o.kind === "redirect") return o.location.startsWith("/sign-in") ? "signed out" : "allowed";
  if (o.kind === "failed") return "failed";
  const error = o.result.ok ? null : (o.result.error ?? "");
  if (error === SIGNED_OUT) return "signed out";
  if (error === HIDDEN || (rule.access.kind === "orgAdmin" && rule.refusal?.test(error ?? ""))) return "hidden";
  if (error === REFUSED || (error !== null && rule.refusal?.test(error))) return "refused";
  return "allowed";
}

// ───────────── expectations ─────────────

type Caller = DemoRole | "anonymous";

/** What a caller may do under a rule, on the project it addresses. */
function decide(
  access: Access,
  caller: Caller,
  project: "own" | "other",
): "allowed" | "refused" | "hidden" | "signed out" {
  if (access.kind === "public") return "allowed";
  if (caller === "anonymous") return "signed out";
  switch (access.kind) {
    case "session":
      return "allowed";
    case "orgAdmin":
      return isOrgAdmin(caller) ? "allowed" : "hidden";
    case "permission":
      if (project === "other" && !isOrgAdmin(caller)) return "hidden";
      return can(projectRole[caller], access.permission) ? "allowed" : "refused";
    default:
      throw new Error(`${access.kind} is not a session rule`);
  }
}

function fillParams(pattern: string, t: Target): string {
  return pattern.replace(/\[(\.\.\.)?(\w+)\]/g, (_, _rest: string | undefined, name: string) => {
    const values: Record<string, string> = {
      project: t.slug,
      itemId: t.item,
      flagId: t.flag,
      incidentId: t.none,
      exportId: t.none,
      // A gate run id that names nothing.
      runId: "no-such-run",
      name: "safety",
    };
    const value = values[name];
    if (value === undefined)
      throw new Error(`no value for the route parameter [${name}] in ${pattern}: add one to fillParams`);
    return value;
  });
}

type Mismatch = { caller: string; expected: string; got: string };

let checks = 0;
let mismatched = 0;

function check(mismatches: Mismatch[], caller: string, expected: string, got: string, ok: boolean) {
  checks++;
  if (!ok) {
    mismatched++;
    mismatches.push({ caller, expected, got });
  }
}

test.afterAll(() => recordFact("authz", { checks, mismatched }));

// ───────────── the tests ─────────────

test("every page, route and action has a rule, and every rule names one that exists", () => {
  const built = actions().map((a) => a.key);
  expect(built, "server actions in the source but not in the build: run `npm run build`").toEqual(actionsInSource());
  const missing = [
    ...pages()
      .filter((p) => !pageRules[p.key])
      .map((p) => `page ${p.key} (${p.file})`),
    ...routes()
      .filter((r) => !routeRules[r.key])
      .map((r) => `route ${r.key} (${r.file})`),
    ...built.filter((k) => !actionRules[k]).map((k) => `action ${k}`),
  ];
  const stale = [
    ...Object.keys(pageRules)
      .filter((k) => !pages().some((p) => p.key === k))
      .map((k) => `page ${k}`),
    ...Object.keys(routeRules)
      .filter((k) => !routes().some((r) => r.key === k))
      .map((k) => `route ${k}`),
    ...Object.keys(actionRules)
      .filter((k) => !built.includes(k))
      .map((k) => `action ${k}`),
  ];
  // missing: found in the tree or the build without a rule in e2e/authz/rules.ts; stale: a rule for what no longer exists.
  expect({ missing, stale }).toEqual({ missing: [], stale: [] });
});

function pageExpectation(key: string, caller: Caller, project: "own" | "other"): { status: number; signIn?: boolean } {
  const rule = pageRules[key]!;
  const verdict = decide(rule.access, caller, project);
  if (verdict === "signed out") return { status: 307, signIn: true };
  if (verdict === "hidden") return { status: 404 };
  if (verdict === "refused") return { status: 403 };
  if (rule.access.kind === "public" && caller !== "anonymous") return { status: rule.signedIn ?? 200 };
  return { status: rule.success ?? 200 };
}

for (const page of pages()) {
  test(`page ${page.key}`, async ({ world }) => {
    expect(pageRules[page.key], `a rule for page ${page.key} in e2e/authz/rules.ts`).toBeDefined();
    const mismatches: Mismatch[] = [];
    const inProject = page.pattern.includes("[project]");
    const probe = async (
      caller: Caller,
      project: "own" | "other",
      path: string,
      expected = pageExpectation(page.key, caller, project),
    ) => {
      const ctx = caller === "anonymous" ? world.anonymous : world.as[caller];
      const res = await ctx.get(path, { maxRedirects: 0 });
      const location = res.headers()["location"] ?? "";
      const ok = res.status() === expected.status && (!expected.signIn || location.startsWith("/sign-in"));
      check(
        mismatches,
        `${caller} ${path}`,
        `${expected.status}${expected.signIn ? " → /sign-in" : ""}`,
        `${res.status()}${location ? ` → ${location}` : ""}`,
        ok,
      );
    };
    await probe("anonymous", "own", fillParams(page.pattern, world.own));
    for (const role of ROLES) await probe(role, "own", fillParams(page.pattern, world.own));
    if (inProject) {
      for (const role of NON_MEMBERS_OF_OTHER) await probe(role, "other", fillParams(page.pattern, world.other));
      // The other project's rows under the own project's URL are not found, even for a member allowed to look.
      if (/\[(itemId|flagId)\]/.test(page.pattern)) {
        const foreign = { ...world.own, item: world.other.item, flag: world.other.flag };
        await probe("lead", "own", fillParams(page.pattern, foreign), { status: 404 });
      }
    }
    expect(mismatches).toEqual([]);
  });
}

async function routeResponse(
  ctx: APIRequestContext,
  method: string,
  path: string,
  headers: Record<string, string>,
  body: unknown,
): Promise<APIResponse> {
  return method === "GET"
    ? ctx.get(path, { headers, maxRedirects: 0 })
    : ctx.fetch(path, { method, headers, maxRedirects: 0, ...(body === undefined ? {} : { data: body }) });
}

/** Status of a server-sent event stream: read from its headers, then the connection is dropped. */
async function streamStatus(baseURL: string, path: string, headers: Record<string, string>): Promise<number> {
  const controller = new AbortController();
  const res = await fetch(new URL(path, baseURL), { headers, signal: controller.signal });
  controller.abort();
  return res.status;
}

const unknownKey = () => `rmp_${randomBytes(9).toString("hex").slice(0, 12)}_${randomBytes(32).toString("base64url")}`;

for (const route of routes()) {
  test(`route ${route.key}`, async ({ world }) => {
    const rule = routeRules[route.key];
    expect(rule, `a rule for route ${route.key} in e2e/authz/rules.ts`).toBeDefined();
    if (!rule) return;
    const mismatches: Mismatch[] = [];
    const pathFor = (t: Target) => (rule.probe?.path ? rule.probe.path(t) : fillParams(route.pattern, t));
    const send = async (ctx: APIRequestContext, path: string, headers: Record<string, string> = {}) => {
      if (route.key === "GET /ofrep/v1/stream")
        return { status: await streamStatus(world.baseURL, path, headers), message: "", location: "" };
      const res = await routeResponse(ctx, route.method, path, headers, rule.probe?.body);
      const text = await res.text();
      let message = "";
      try {
        message = (JSON.parse(text) as { error?: { message?: string } }).error?.message ?? "";
      } catch {
        message = "";
      }
      return { status: res.status(), message, location: res.headers()["location"] ?? "" };
    };
    const expectStatus = (
      caller: string,
      got: { status: number; message: string; location: string },
      status: number,
      message?: RegExp,
    ) =>
      check(
        mismatches,
        caller,
        `${status}${message ? ` ${message}` : ""}`,
        `${got.status} ${got.message || got.location}`,
        got.status === status && (!message || message.test(got.message)),
      );

    const access = rule.access;
    if (access.kind === "apiKey") {
      const path = pathFor(world.own);
      const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
      expectStatus("no key", await send(world.anonymous, path), 401);
      expectStatus("malformed key", await send(world.anonymous, path, bearer("rmp_nope")), 401);
      expectStatus("unknown key", await send(world.anonymous, path, bearer(unknownKey())), 401);
      expectStatus("revoked key", await send(world.anonymous, path, bearer(world.keys.revoked)), 401);
      expectStatus("admin session, no key", await send(world.as.admin, path), 401);
      for (const scope of apiScopeNames) {
        const allowed = access.scopes.length === 0 || access.scopes.includes(scope);
        expectStatus(
          `key with ${scope}`,
          await send(world.anonymous, path, bearer(world.keys.byScope[scope])),
          allowed ? rule.success : 403,
        );
      }
      // A key reaches only its own project: the path names no project, so the key's decides.
      expectStatus(
        "key of the other project",
        await send(world.anonymous, path, bearer(world.keys.otherProject)),
        rule.success,
      );
      if (route.key === "GET /api/v1/whoami") {
        const who = await world.anonymous.get(path, { headers: bearer(world.keys.otherProject) });
        check(
          mismatches,
          "key of the other project",
          `project ${OTHER_PROJECT}`,
          JSON.stringify(await who.json()),
          ((await who.json()) as { project?: { slug?: string } }).project?.slug === OTHER_PROJECT,
        );
      }
    } else if (access.kind === "metricsToken") {
      // Without a configured token the endpoint does not exist (404) for anyone.
      const ok = METRICS_TOKEN ? rule.success : 404;
      const refused = METRICS_TOKEN ? 401 : 404;
      expectStatus("no token", await send(world.anonymous, route.pattern), refused);
      expectStatus(
        "wrong token",
        await send(world.anonymous, route.pattern, { authorization: `Bearer ${METRICS_TOKEN}-not` }),
        refused,
      );
      expectStatus("admin session, no token", await send(world.as.admin, route.pattern), refused);
      if (METRICS_TOKEN)
        expectStatus(
          "the token",
          await send(world.anonymous, route.pattern, { authorization: `Bearer ${METRICS_TOKEN}` }),
          ok,
        );
    } else {
      const callers: [Caller, "own" | "other"][] = [
        ["anonymous", "own"],
        ...ROLES.map((r): [Caller, "own"] => [r, "own"]),
        ...(route.pattern.includes("[project]")
          ? NON_MEMBERS_OF_OTHER.map((r): [Caller, "other"] => [r, "other"])
          : []),
      ];
      for (const [caller, project] of callers) {
        const t = project === "own" ? world.own : world.other;
        const got = await send(caller === "anonymous" ? world.anonymous : world.as[caller], pathFor(t));
        const verdict = decide(access, caller, project);
        const label = `${caller} on ${t.slug}`;
        // Console routes sit behind proxy.ts, which sends a signed-out visitor to sign-in.
        if (verdict === "signed out")
          check(
            mismatches,
            label,
            "307 → /sign-in",
            `${got.status} ${got.location}`,
            got.status === 307 && got.location.includes("/sign-in"),
          );
        else if (verdict === "hidden") expectStatus(label, got, 404, new RegExp(`^${HIDDEN}$`));
        else if (verdict === "refused") expectStatus(label, got, 403);
        else expectStatus(label, got, rule.success, rule.successMessage);
      }
    }
    expect(mismatches).toEqual([]);
  });
}

for (const entry of actions()) {
  test(`action ${entry.key}`, async ({ world }) => {
    const rule = actionRules[entry.key];
    expect(rule, `a rule for action ${entry.key} in e2e/authz/rules.ts`).toBeDefined();
    if (!rule) return;
    const mismatches: Mismatch[] = [];
    const call = async (caller: Caller, t: Target, label: string, expected: Verdict) => {
      const outcome = await callAction(
        caller === "anonymous" ? world.anonymous : world.as[caller],
        world.baseURL,
        entry,
        t,
        rule.args(t),
      );
      const verdict = verdictOf(outcome, rule);
      let ok = verdict === expected;
      let wanted: string = expected;
      if (ok && expected === "allowed") {
        // The probe must leave the data as it was: refused for its content, or a result known to change nothing.
        wanted = rule.allowedResult ? `allowed, ${rule.allowedResult}` : "allowed, and refused for its content";
        ok = rule.allowedResult
          ? rule.allowedResult.test(summarize(outcome))
          : outcome.kind === "result" && !outcome.result.ok;
      }
      check(mismatches, label, wanted, `${verdict}: ${summarize(outcome)}`, ok);
    };

    await call("anonymous", world.own, "anonymous", "signed out");
    for (const role of ROLES) {
      const expected = decide(rule.access, role, "own");
      if (expected === "allowed" && rule.skipAllowed) continue;
      await call(role, world.own, `${role} on ${PROJECT}`, expected);
    }
    if (rule.access.kind === "permission") {
      for (const role of NON_MEMBERS_OF_OTHER) await call(role, world.other, `${role} on ${OTHER_PROJECT}`, "hidden");
    }
    if (rule.access.kind === "permission") {
      // Ids come from the browser: one that is not an id names no project, and no row; neither is a crash.
      const allowed = ROLES.find((r) => decide(rule.access, r, "own") === "allowed" && !rule.skipAllowed);
      await call(
        allowed ?? "viewer",
        { ...world.own, projectId: NOT_AN_ID },
        `${allowed ?? "viewer"} on a project id that is not an id`,
        "hidden",
      );
      if (allowed) {
        const malformed = { ...world.own, item: NOT_AN_ID, flag: NOT_AN_ID, none: NOT_AN_ID };
        const outcome = await callAction(world.as[allowed], world.baseURL, entry, malformed, rule.args(malformed));
        const fine =
          (outcome.kind === "result" && !outcome.result.ok && verdictOf(outcome, rule) === "allowed") ||
          !!rule.allowedResult?.test(summarize(outcome));
        check(
          mismatches,
          `${allowed} on ${PROJECT} with row ids that are not ids`,
          "refused for its content",
          summarize(outcome),
          fine,
        );
      }
    }
    if (rule.foreignRows) {
      // The own project's id with the other project's rows: a member allowed to act must not find them.
      const foreign = { ...world.own, item: world.other.item, flag: world.other.flag };
      const role =
        ROLES.filter((r) => !isOrgAdmin(r)).find((r) => decide(rule.access, r, "own") === "allowed") ?? "admin";
      const outcome = await callAction(world.as[role], world.baseURL, entry, foreign, rule.foreignRows(foreign));
      const text = summarize(outcome);
      check(
        mismatches,
        `${role} on ${PROJECT} with ${OTHER_PROJECT}'s rows`,
        "not found",
        text,
        outcome.kind === "result" && !outcome.result.ok && /not found$/i.test(text) && text !== HIDDEN,
      );
    }
    expect(mismatches).toEqual([]);
  });
}
