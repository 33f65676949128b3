import { expect, test, type APIRequestContext } from "@playwright/test";
import { PROJECT, signIn } from "./helpers";

// npm test gives the server a token; the endpoint answers 404 without one, which would say nothing here.
const TOKEN = process.env.RAMPART_METRICS_TOKEN ?? "";

function ingestAccepted(scrape: string, kind: string): number {
  const prefix = `rampart_ingest_events_total{project="${PROJECT}",kind="${kind}",status="accepted"} `;
  const line = scrape.split("\n").find((l) => l.startsWith(prefix));
  if (line === undefined) throw new Error(`no ${prefix.trim()} sample in the scrape`);
  return Number(line.slice(prefix.length));
}

async function scrape(request: APIRequestContext): Promise<string> {
  const res = await request.get("/metrics", { headers: { Authorization: `Bearer ${TOKEN}` }, maxRedirects: 0 });
  expect(res.status()).toBe(200);
  expect(res.headers()["content-type"]).toBe("text/plain; version=0.0.4; charset=utf-8");
  expect(res.headers()["cache-control"]).toBe("no-store");
  return res.text();
}

test.beforeAll(() => {
  expect(TOKEN, "set RAMPART_METRICS_TOKEN for the server under test (npm test does)").not.toBe("");
});

test("/metrics answers 401 with a Bearer challenge without the token or with a wrong one, and is not sent to sign-in", async ({ request }) => {
  const none = await request.get("/metrics", { maxRedirects: 0 });
  expect(none.status()).toBe(401);
  expect(none.headers()["www-authenticate"]).toBe("Bearer");
  const wrong = await request.get("/metrics", { headers: { Authorization: `Bearer ${TOKEN}-not` }, maxRedirects: 0 });
  expect(wrong.status()).toBe(401);
  const otherScheme = await request.get("/metrics", { headers: { Authorization: `Basic ${TOKEN}` }, maxRedirects: 0 });
  expect(otherScheme.status()).toBe(401);
});

test("a scrape with the token lists the project's queue, and counts a batch the project's API key ingests", async ({ page, request }) => {
  const first = await scrape(request);
  expect(first).toContain("# TYPE rampart_queue_depth gauge");
  expect(first).toMatch(new RegExp(`^rampart_queue_depth\\{project="${PROJECT}",severity="sev1"\\} \\d+$`, "m"));

  // A client app's key, made the way an admin makes one.
  await signIn(page, "admin");
  await page.goto(`/p/${PROJECT}/admin/api-keys`);
  await page.getByLabel("Name").fill(`e2e-metrics-${Date.now()}`);
  await page.getByRole("button", { name: "Create key" }).click();
  const key = (await page.getByTestId("new-api-key").textContent())!;
  expect(key).toMatch(/^rmp_/);

  const before = ingestAccepted(await scrape(request), "interaction");
  const requestId = `e2e-metrics-${Date.now()}`;
  const event = (n: number) => ({
    type: "interaction",
    requestId: `${requestId}-${n}`,
    occurredAt: new Date().toISOString(),
    environment: "production",
    model: { provider: "openai", id: "gpt-4.1-mini" },
    prompt: [{ role: "user", content: "How do I reset my password?" }],
    response: "Open Settings → Security.",
  });
  const ingest = await request.post("/api/v1/events", { headers: { Authorization: `Bearer ${key}` }, data: { events: [event(1), event(2)] } });
  expect(ingest.status()).toBe(200);
  expect((await ingest.json()).accepted).toBe(2);

  // Ingest is served by server.ts's lean layer, /metrics by Next: the count crosses from one to the other.
  expect(ingestAccepted(await scrape(request), "interaction")).toBe(before + 2);
});
