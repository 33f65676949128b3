import { expect, test, type APIResponse, type Page } from "@playwright/test";
import { PROJECT, signIn } from "./helpers";

const BASE = `/p/${PROJECT}`;
const EVIL = "https://evil.example";
/** What a browser sends on a request another site made: the Origin, or at least Sec-Fetch-Site. */
const CROSS_SITE: Record<string, string>[] = [{ origin: EVIL }, { "sec-fetch-site": "cross-site" }];

// Signs in, walks a dozen pages and opens an incident.
test.describe.configure({ timeout: 120_000 });

/** Secret settings the server under test was started with (Playwright's webServer inherits this environment). */
const secrets = ["NEXTAUTH_SECRET", "RAMPART_MASTER_KEY", "AUDIT_SIGNING_KEY"].flatMap((name) => {
  const value = process.env[name];
  return value ? [{ name, value }] : [];
});

/** Directive name → its sources. */
function directives(policy: string | undefined): Map<string, string[]> {
  const parts = (policy ?? "").split(";").map((d) => d.trim().split(/\s+/));
  return new Map(parts.filter((p) => p[0]).map(([name, ...sources]) => [name!, sources]));
}

function expectPageHeaders(res: APIResponse) {
  const h = res.headers();
  const csp = directives(h["content-security-policy"]);
  const script = csp.get("script-src") ?? [];
  expect(script.filter((s) => /^'nonce-[A-Za-z0-9+/]{16,}={0,2}'$/.test(s))).toHaveLength(1);
  expect(script).toContain("'strict-dynamic'");
  expect(script).not.toContain("'unsafe-inline'");
  expect(script).not.toContain("'unsafe-eval'");
  expect(csp.get("frame-ancestors")).toEqual(["'none'"]);
  expect(csp.get("object-src")).toEqual(["'none'"]);
  expect(csp.get("base-uri")).toEqual(["'self'"]);
  expect(csp.get("form-action")).toEqual(["'self'"]);
  expect(h["referrer-policy"]).toBe("strict-origin-when-cross-origin");
  expect(h["x-content-type-options"]).toBe("nosniff");
  return script.find((s) => s.startsWith("'nonce-"))!.slice("'nonce-".length, -1);
}

test("console pages carry a fresh nonce-based CSP, no framing, a referrer policy, nosniff and, over plain http, no HSTS", async ({ request }) => {
  const first = await request.get("/sign-in");
  expect(first.status()).toBe(200);
  const nonce = expectPageHeaders(first);
  expect(first.headers()["strict-transport-security"]).toBeUndefined();

  // Every script Next wrote into the page carries the nonce; without it the browser would refuse to run it.
  const html = await first.text();
  const scripts = html.match(/<script\b[^>]*>/g) ?? [];
  expect(scripts.length).toBeGreaterThan(0);
  for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);

  const second = await request.get("/sign-in");
  expect(expectPageHeaders(second)).not.toBe(nonce);
});

test("behind a TLS-terminating proxy, pages and API answers carry HSTS", async ({ request }) => {
  const headers = { "x-forwarded-proto": "https" };
  for (const path of ["/sign-in", "/api/health"]) {
    const res = await request.get(path, { headers });
    expect(res.headers()["strict-transport-security"], path).toBe("max-age=31536000; includeSubDomains");
  }
});

test("API answers, from Next and from the lean layer in front of it, carry nosniff and a CSP that loads and frames nothing", async ({ request }) => {
  const answers = [
    await request.get("/api/health"),
    await request.post("/ofrep/v1/evaluate/flags", { data: {} }),
    await request.post("/api/v1/events", { data: { events: [] } }),
    await request.fetch("/ofrep/v1/evaluate/flags", { method: "OPTIONS", headers: { origin: EVIL } }),
  ];
  for (const res of answers) {
    expect(res.headers()["x-content-type-options"], res.url()).toBe("nosniff");
    expect(res.headers()["content-security-policy"], res.url()).toBe("default-src 'none'; frame-ancestors 'none'");
    expect(res.headers()["strict-transport-security"], res.url()).toBeUndefined();
  }
});

/** Collects CSP violations the browser reports, as events in the page and as console errors. */
async function watchCsp(page: Page) {
  const violations: string[] = [];
  await page.exposeFunction("__reportCspViolation", (v: string) => violations.push(v));
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => {
      const report = (window as unknown as { __reportCspViolation: (v: string) => void }).__reportCspViolation;
      void report(`${e.violatedDirective} blocked ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber} on ${location.pathname}`);
    });
  });
  page.on("console", (msg) => {
    if (/Content Security Policy|Refused to (execute|load|apply|connect|frame)/i.test(msg.text())) violations.push(`console: ${msg.text()}`);
  });
  return violations;
}

/** Loads a page and waits until Next's client runtime is up: it only starts if its scripts were allowed to run. */
async function visit(page: Page, path: string) {
  const res = await page.goto(path);
  expect(res?.status(), path).toBeLessThan(400);
  // No violation means little unless the policy was there to be violated.
  expect((await res?.allHeaders())?.["content-security-policy"], path).toMatch(/script-src 'self' 'nonce-[^']+' 'strict-dynamic';/);
  await page.waitForFunction(() => "next" in window, undefined, { timeout: 10_000 });
  await page.waitForLoadState("networkidle");
  const html = (await res?.text()) ?? "";
  for (const { name, value } of secrets) expect(html.includes(value), `${name} in the HTML of ${path}`).toBe(false);
}

test("the admin's main pages run under the CSP without a single violation, and leak no secret", async ({ page }) => {
  const violations = await watchCsp(page);

  await visit(page, "/sign-in");
  await signIn(page, "admin");
  for (const path of [BASE, `${BASE}/queue`]) await visit(page, path);

  const item = page.locator(`a[href^="${BASE}/queue/"]`).first();
  const itemPath = await item.getAttribute("href");
  await visit(page, itemPath!);
  await expect(page.getByLabel("Blur sensitive content until I click")).toBeVisible();

  await visit(page, `${BASE}/flags`);
  const flagPath = await page.locator(`a[href^="${BASE}/flags/"]`).first().getAttribute("href");
  await visit(page, flagPath!);

  // Opening an incident runs a server action from a hydrated form and follows its redirect.
  await visit(page, `${BASE}/incidents`);
  const panel = page.getByRole("region", { name: "Open an incident" });
  await expect(panel).toHaveAttribute("data-hydrated", "");
  await panel.getByRole("button", { name: "New incident" }).click();
  await panel.getByLabel("Title").fill(`e2e csp ${Date.now().toString(36)}`);
  await panel.getByRole("button", { name: "Open incident" }).click();
  await expect(page).toHaveURL(new RegExp(`${BASE}/incidents/[0-9a-f-]{36}$`), { timeout: 30_000 });
  await visit(page, new URL(page.url()).pathname);

  for (const path of [
    `${BASE}/exports`,
    `${BASE}/dashboards`,
    `${BASE}/admin`,
    `${BASE}/admin/members`,
    `${BASE}/admin/api-keys`,
    `${BASE}/admin/triage`,
    `${BASE}/admin/rollback`,
    `${BASE}/admin/webhooks`,
    `${BASE}/admin/audit`,
    "/admin/projects",
  ]) {
    await visit(page, path);
  }
  expect(violations).toEqual([]);
});

test("the session and CSRF cookies are HttpOnly and SameSite=Lax", async ({ page, baseURL }) => {
  await signIn(page, "viewer");
  const cookies = await page.context().cookies();
  const secure = baseURL!.startsWith("https://");
  for (const name of ["next-auth.session-token", "next-auth.csrf-token"]) {
    const cookie = cookies.find((c) => c.name.replace(/^__(Secure|Host)-/, "") === name);
    expect(cookie, name).toBeDefined();
    expect(cookie!.httpOnly, name).toBe(true);
    expect(cookie!.sameSite, name).toBe("Lax");
    expect(cookie!.secure, name).toBe(secure);
  }
});

test("a cross-origin sign-out is refused and the session lives on; the same request from the console signs out", async ({ page }) => {
  await signIn(page, "viewer");
  const { csrfToken } = (await (await page.request.get("/api/auth/csrf")).json()) as { csrfToken: string };
  const signOut = (headers: Record<string, string>) =>
    page.request.post("/api/auth/signout", { form: { csrfToken, callbackUrl: "/sign-in", json: "true" }, headers, maxRedirects: 0 });
  const session = async () => ((await (await page.request.get("/api/auth/session")).json()) as { user?: { email?: string } }).user?.email;

  for (const headers of CROSS_SITE) {
    const refused = await signOut(headers);
    expect(refused.status(), JSON.stringify(headers)).toBe(403);
    expect(await refused.json()).toMatchObject({ error: { code: "FORBIDDEN" } });
    expect(await session()).toBe("viewer@rampart.local");
  }

  // Same token, same cookie, the console's own origin: only the origin stopped the ones above.
  const allowed = await signOut({ origin: new URL(page.url()).origin });
  expect(allowed.status()).toBeLessThan(400);
  expect(await session()).toBeUndefined();
});

test("a server action replayed from another origin is refused and changes nothing", async ({ page }) => {
  await signIn(page, "admin");
  await page.goto(`${BASE}/queue`);
  await page.goto((await page.locator(`a[href^="${BASE}/queue/"]`).first().getAttribute("href"))!);
  const blur = page.getByLabel("Blur sensitive content until I click");
  await expect(blur).toBeVisible();
  const before = await blur.isChecked();

  // Capture the action the checkbox sends, and keep it from reaching the server.
  const captured = new Promise<{ url: string; headers: Record<string, string>; body: string }>((resolve) => {
    void page.route("**/*", async (route) => {
      const req = route.request();
      if (req.method() !== "POST" || !req.headers()["next-action"]) return route.fallback();
      resolve({ url: req.url(), headers: req.headers(), body: req.postData() ?? "" });
      await route.abort();
    });
  });
  // Hydrated once the runtime is up and its chunks are in: before that a click would only tick the box.
  await page.waitForFunction(() => "next" in window);
  await page.waitForLoadState("networkidle");
  await blur.click();
  const { url, headers, body } = await captured;
  await page.unroute("**/*");
  const replay = (extra: Record<string, string>) =>
    page.request.post(url, {
      headers: { "next-action": headers["next-action"]!, "content-type": headers["content-type"]!, accept: headers["accept"] ?? "text/x-component", ...extra },
      data: body,
    });

  for (const extra of CROSS_SITE) {
    expect((await replay(extra)).status(), JSON.stringify(extra)).toBe(403);
    await page.reload();
    expect(await blur.isChecked(), JSON.stringify(extra)).toBe(before);
  }

  // The same replay from the console's origin does change the setting: the origin alone was refused.
  expect((await replay({ origin: new URL(url).origin })).status()).toBe(200);
  await page.reload();
  expect(await blur.isChecked()).toBe(!before);
  await blur.click();
  await expect(page.getByRole("status").filter({ hasText: /Sensitive content will be/ })).toBeVisible();
  await page.reload();
  expect(await blur.isChecked()).toBe(before);
});
