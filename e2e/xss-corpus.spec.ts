// An XSS corpus sent through the public ingest API into every field a page
// shows (prompt, response, model, template, cohort, flag keys and variants,
// classifier categories, report text, request ids), then every page that
// shows them is opened: nothing may execute (no dialog, no `__xss` mark, no
// event-handler attribute or javascript:/data: link in the DOM) and no request
// may leave for a foreign host.
import { expect, test, type Page } from "@playwright/test";
import { PROJECT, signIn } from "./helpers";
import { recordFact } from "../tests/reliability-facts";

const RUN = `xss-${Date.now().toString(36)}`;
const MARK = "top.__xss=1";
const DATA_HTML = "data:text/html;base64,PHNjcmlwdD50b3AuX194c3M9MTwvc2NyaXB0Pg==";
const corpus = [
  `<script>${MARK}</script>`,
  `<img src=x onerror="${MARK}">`,
  `<svg onload=${MARK}>`,
  `<svg><script>${MARK}</script></svg>`,
  `<svg><a xlink:href="javascript:${MARK}"><text y=20>x</text></a></svg>`,
  `<iframe srcdoc="<script>${MARK}</script>"></iframe>`,
  `<a href="javascript:${MARK}">click me</a>`,
  `<a href="${DATA_HTML}">data link</a>`,
  `<object data="${DATA_HTML}"></object>`,
  `![x](javascript:${MARK})`,
  `[click](javascript:${MARK})`,
  `[data](${DATA_HTML})`,
  `![pixel](https://evil.example/pixel.png)`,
  `<details open ontoggle=${MARK}>x</details>`,
  `<input autofocus onfocus=${MARK}>`,
  `<video><source onerror="${MARK}"></video>`,
  `<math><mtext><table><mglyph><style><img src=x onerror=${MARK}>`,
  `<style>@import 'https://evil.example/x.css';</style>`,
  `<link rel=stylesheet href=https://evil.example/x.css>`,
  `<meta http-equiv="refresh" content="0;url=https://evil.example/">`,
  `<base href="https://evil.example/">`,
  `<form action=https://evil.example/><button>go</button></form>`,
  `"><svg/onload=${MARK}>`,
  `'-alert(1)-'`,
  `{{constructor.constructor('${MARK}')()}}`,
  `javascript:${MARK}`,
  // Unicode direction overrides and isolates around markup.
  `\u202Efdp.exe<img src=x onerror=${MARK}>`,
  `\u2066<script>${MARK}</script>\u2069 \u200F\u202B[x](javascript:${MARK})\u202C`,
];

const cut = (s: string, n: number) => s.slice(0, n);

function eventsFor(payload: string, n: number) {
  const requestId = n === 0 ? `${RUN}-"><svg onload=${MARK}>` : `${RUN}-${n}`;
  const now = new Date().toISOString();
  return {
    requestId,
    events: [
      {
        type: "interaction",
        requestId,
        occurredAt: now,
        environment: "production",
        model: { provider: cut(`p${payload}`, 100), id: cut(payload, 200), version: cut(payload, 100) },
        promptTemplate: { id: cut(payload, 200), version: cut(payload, 100) },
        prompt: [
          { role: "system", content: `System: ${payload}` },
          { role: "user", content: payload },
        ],
        response: `Here you go: ${payload}\n\n${payload}`,
        flags: { [cut(payload, 100)]: { value: true, variant: cut(payload, 200), version: 1 } },
        cohort: { platform: cut(payload, 50), region: cut(payload, 50), deviceClass: cut(payload, 50), segment: cut(payload, 100), locale: "en" },
        userId: payload,
        latencyMs: 100 + n,
        cost: 0.001,
      },
      {
        type: "verdict",
        eventId: `${RUN}-v-${n}`,
        requestId,
        occurredAt: now,
        classifier: { name: cut(payload, 100), version: cut(payload, 100) },
        scores: { [cut(payload, 100)]: 0.93 },
        decision: "flag",
      },
      { type: "report", eventId: `${RUN}-r-${n}`, requestId, occurredAt: now, category: "harmful", text: payload, reporterId: payload },
    ],
  };
}

/** Fails the test on any dialog, any request to a host other than the app's, and any executed payload. */
async function watch(page: Page) {
  const problems: string[] = [];
  page.on("dialog", (d) => {
    problems.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
  const appHost = new URL(page.context().pages()[0]?.url() || "http://localhost").hostname;
  await page.context().route("**/*", (route) => {
    const url = new URL(route.request().url());
    if (url.protocol.startsWith("http") && url.hostname !== appHost && url.hostname !== "localhost" && url.hostname !== "127.0.0.1") {
      problems.push(`foreign request: ${url.href}`);
      return route.fulfill({ status: 204 });
    }
    return route.continue();
  });
  return problems;
}

/** What the page's DOM holds that could run or leave: handler attributes, script URLs, frames, base/meta tricks. */
async function dangerousNodes(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const found: string[] = [];
    const w = window as unknown as { __xss?: number };
    if (w.__xss) found.push("__xss was set");
    for (const el of Array.from(document.querySelectorAll("body *"))) {
      for (const a of Array.from(el.attributes)) {
        if (/^on/i.test(a.name)) found.push(`<${el.tagName.toLowerCase()} ${a.name}>`);
        if (/^(href|src|action|formaction|data|xlink:href)$/i.test(a.name) && /^\s*(javascript|data|vbscript):/i.test(a.value)) found.push(`<${el.tagName.toLowerCase()} ${a.name}=${a.value.slice(0, 40)}>`);
      }
    }
    for (const sel of ["body iframe", "body object", "body embed", "base", 'meta[http-equiv="refresh" i]', "body form[action^='http']"]) {
      for (const el of Array.from(document.querySelectorAll(sel))) found.push(`<${el.tagName.toLowerCase()}> (${sel})`);
    }
    // Scripts in the body that Next did not put there (its own carry the page's nonce).
    const nonce = document.querySelector("script[nonce]")?.getAttribute("nonce") ?? document.querySelector<HTMLScriptElement>("script[nonce]")?.nonce;
    for (const s of Array.from(document.querySelectorAll("body script"))) {
      if (!(s as HTMLScriptElement).nonce && s.getAttribute("nonce") !== nonce) found.push(`<script> without the page's nonce: ${(s.textContent ?? "").slice(0, 40)}`);
    }
    return found;
  });
}

test("an XSS corpus sent through ingest renders inert on every page that shows it", async ({ page }) => {
  test.setTimeout(240_000);
  await signIn(page, "admin");
  const problems = await watch(page);

  // A client app's key, made the way an admin makes one.
  await page.goto(`/p/${PROJECT}/admin/api-keys`);
  await page.getByLabel("Name").fill(`e2e-${RUN}`);
  await page.getByRole("button", { name: "Create key" }).click();
  const key = (await page.getByTestId("new-api-key").textContent())!;

  const sent = corpus.map((p, n) => eventsFor(p, n));
  const res = await page.request.post("/api/v1/events", { headers: { Authorization: `Bearer ${key}` }, data: { events: sent.flatMap((s) => s.events) } });
  expect(res.status()).toBe(200);
  const body = (await res.json()) as { accepted: number; rejected: number; results: unknown[] };
  expect(body.rejected, JSON.stringify(body.results.filter((r) => (r as { status: string }).status === "rejected").slice(0, 3))).toBe(0);
  expect(body.accepted).toBe(corpus.length * 3);

  let pages = 0;
  const visit = async (url: string, ready: () => Promise<void>) => {
    await page.goto(url);
    await ready();
    await page.waitForTimeout(150); // give onload/onerror/autofocus handlers their chance
    const found = await dangerousNodes(page);
    expect(found, `${url}: ${found.join(", ")}`).toEqual([]);
    pages++;
  };

  // Each item, once triage has made it: the queue row (prompt/response preview) and the item page.
  for (const s of sent) {
    const q = `/p/${PROJECT}/queue?q=${encodeURIComponent(s.requestId)}`;
    await expect
      .poll(
        async () => {
          await page.goto(q);
          return page.getByRole("link", { name: s.requestId, exact: true }).count();
        },
        { timeout: 60_000, intervals: [1_000, 2_000] },
      )
      .toBe(1);
    await visit(q, async () => expect(page.getByTestId("queue-row")).toHaveCount(1));
    const href = (await page.getByRole("link", { name: s.requestId, exact: true }).getAttribute("href"))!;
    await visit(href, async () => {
      await expect(page.getByRole("heading", { level: 1 })).toContainText(s.requestId);
      const show = page.getByRole("button", { name: "Show content" });
      if (await show.count()) await show.first().click();
      await expect(page.getByTestId("response")).toBeVisible();
    });
  }

  // Dashboards show the client-sent names (models, templates, cohorts, flag variants) once rolled up.
  await expect
    .poll(
      async () => {
        await page.goto(`/p/${PROJECT}/dashboards/safety?range=1h`);
        return page.getByTestId("chart-by-model").getByText(corpus[1]!.slice(0, 20), { exact: false }).count();
      },
      { timeout: 90_000, intervals: [3_000] },
    )
    .toBeGreaterThan(0);
  for (const d of ["safety", "releases", "cost", "roi"]) {
    await visit(`/p/${PROJECT}/dashboards/${d}?range=1h`, async () => {
      await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
      // Open every figures table so their cells render too.
      await page.evaluate(() => document.querySelectorAll("details").forEach((d) => (d.open = true)));
    });
  }

  expect(problems).toEqual([]);
  recordFact("xss", { payloads: corpus.length, fields: Object.keys(sent[0]!.events[0]!).length, pages, executed: 0, foreignRequests: 0 });
  console.log(`[xss-corpus] ${corpus.length} payloads × ${Object.keys(sent[0]!.events[0]!).length} fields ingested; ${pages} pages checked; nothing executed, nothing left for a foreign host`);
});
