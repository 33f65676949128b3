import { expect, test, type Browser, type Page } from "@playwright/test";
import { PROJECT, signIn, type DemoRole } from "./helpers";

const INCIDENTS = `/p/${PROJECT}/incidents`;
const WEBHOOKS = `/p/${PROJECT}/admin/webhooks`;
const OTHER_PROJECT = "search-summaries";
const INCIDENT_URL = new RegExp(`${INCIDENTS}/[0-9a-f-]{36}$`);

// Journeys go through several confirmations, and the webhook one waits for the worker.
test.describe.configure({ timeout: 120_000 });

// Unique per run: the demo database outlives a run when tests are repeated against it.
const unique = (what: string) => `e2e ${what} ${Date.now().toString(36)}`;

async function signedIn(browser: Browser, role: DemoRole) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, role);
  return { context, page };
}

/** Opens an incident through "New incident" and lands on its page; returns its URL and number. */
async function openIncident(
  page: Page,
  title: string,
  { severity = "SEV2", summary }: { severity?: string; summary?: string } = {},
) {
  await page.goto(INCIDENTS);
  const panel = page.getByRole("region", { name: "Open an incident" });
  await expect(panel).toHaveAttribute("data-hydrated", "");
  await panel.getByRole("button", { name: "New incident" }).click();
  await panel.getByLabel("Title").fill(title);
  await panel.getByLabel("Severity").selectOption(severity);
  if (summary) await panel.getByLabel("What is known so far (optional)").fill(summary);
  await panel.getByRole("button", { name: "Open incident" }).click();
  // Opening commits, announces and redirects: give a busy machine time.
  await expect(page).toHaveURL(INCIDENT_URL, { timeout: 30_000 });
  const heading = page.getByRole("heading", { level: 1 });
  await expect(heading).toContainText(title);
  const number = Number(/INC-(\d+)/.exec((await heading.textContent()) ?? "")?.[1]);
  expect(number).toBeGreaterThan(0);
  return { url: page.url(), id: page.url().split("/").pop()!, number };
}

/** Acknowledge, mitigate or resolve through the step's dialog. */
async function takeStep(page: Page, label: "Acknowledge" | "Mitigate" | "Resolve", note?: string) {
  const steps = page.getByTestId("incident-steps");
  await expect(steps).toHaveAttribute("data-hydrated", "");
  await steps.getByRole("button", { name: label, exact: true }).click();
  const dialog = page.getByRole("dialog", { name: new RegExp(`^${label} INC-\\d+$`) });
  await expect(dialog).toBeVisible();
  if (note) await dialog.getByLabel("Note for the timeline (optional)").fill(note);
  await dialog.getByRole("button", { name: new RegExp(`^${label} INC-\\d+$`) }).click();
  await expect(dialog).toBeHidden();
}

const timelineEntry = (page: Page, kind: string) =>
  page.getByTestId("timeline-entry").and(page.locator(`[data-kind="${kind}"]`));

test("a lead opens an incident by hand, acknowledges, mitigates and resolves it, and sees the timeline and response times", async ({
  page,
}) => {
  const title = unique("refund advice");
  await signIn(page, "lead");
  const { number } = await openIncident(page, title, {
    severity: "SEV2",
    summary: "e2e: users report wrong refund advice",
  });
  const status = page.getByTestId("incident-status");
  await expect(status).toHaveText("Open");
  await expect(timelineEntry(page, "detected")).toContainText("e2e: users report wrong refund advice");
  await expect(timelineEntry(page, "detected")).toContainText("by lead@rampart.local");
  await expect(page.getByTestId("duration-tta")).toContainText("not yet");

  await takeStep(page, "Acknowledge", "e2e: on it");
  await expect(status).toHaveText("Acknowledged");
  await expect(page.getByRole("status").filter({ hasText: `INC-${number} acknowledged.` })).toBeVisible();
  await expect(timelineEntry(page, "acknowledged")).toContainText("e2e: on it");
  await expect(page.getByTestId("duration-tta")).not.toContainText("not yet");

  await takeStep(page, "Mitigate");
  await expect(status).toHaveText("Mitigated");
  await expect(timelineEntry(page, "mitigated")).toContainText("by lead@rampart.local");
  await expect(page.getByTestId("duration-ttm")).not.toContainText("not yet");

  // A note goes on the timeline.
  await page.getByLabel("Add a note").fill("e2e: rollout cut to 0 by hand");
  await page.getByRole("button", { name: "Add note" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Note added to the timeline." })).toBeVisible();
  await expect(timelineEntry(page, "note")).toContainText("e2e: rollout cut to 0 by hand");
  await expect(page.getByLabel("Add a note")).toHaveValue("");

  await takeStep(page, "Resolve", "e2e: fixed");
  await expect(status).toHaveText("Resolved");
  await expect(page.getByTestId("incident-steps")).toContainText(`INC-${number} is resolved`);
  await expect(page.getByTestId("incident-steps").getByRole("button")).toHaveCount(0);
  await expect(page.getByTestId("duration-ttr")).not.toContainText("not yet");
  const kinds = await page
    .getByTestId("timeline-entry")
    .evaluateAll((els) => els.map((e) => e.getAttribute("data-kind")));
  expect(kinds.filter((k) => k !== "note")).toEqual(["detected", "acknowledged", "mitigated", "resolved"]);
  for (const m of ["Detected", "Acknowledged", "Mitigated", "Resolved"]) {
    await expect(page.getByTestId("milestone").filter({ hasText: m })).toContainText("by lead@rampart.local");
  }

  // The postmortem is plain text: markup in it is shown, not run.
  const postmortem = page.getByTestId("postmortem");
  await postmortem.getByRole("button", { name: "Write postmortem" }).click();
  await postmortem.getByLabel("Postmortem text").fill("Cause: a prompt change.\n<b>not bold</b>");
  await postmortem.getByRole("button", { name: "Save postmortem" }).click();
  await expect(postmortem.getByRole("status")).toHaveText("Postmortem saved.");
  await expect(postmortem.getByTestId("postmortem-text")).toContainText("<b>not bold</b>");
  await expect(timelineEntry(page, "postmortem")).toContainText("Postmortem written");

  // The list shows it resolved, with its times, and the overall median and p90.
  await page.getByRole("link", { name: "← Incidents" }).click();
  const row = page.getByTestId("incident-row").and(page.locator(`[data-number="${number}"]`));
  await expect(row).toContainText(title);
  await expect(row).toContainText("Resolved");
  for (const metric of ["tta", "ttm", "ttr"]) {
    await expect(page.getByTestId(`metric-${metric}-median`)).not.toHaveText("—");
    await expect(page.getByTestId(`metric-${metric}-p90`)).not.toHaveText("—");
  }

  // Filters are links anyone can share.
  const filters = page.getByRole("search", { name: "Filter the incidents" });
  await filters.getByLabel("Status").selectOption("RESOLVED");
  await filters.getByLabel("Severity").selectOption("SEV2");
  await filters.getByRole("button", { name: "Apply filters" }).click();
  await expect(page).toHaveURL(/status=RESOLVED/);
  await expect(row).toBeVisible();
  await page.goto(`${INCIDENTS}?status=OPEN&severity=SEV2`);
  await expect(filters.getByLabel("Status")).toHaveValue("OPEN");
  await expect(row).toHaveCount(0);
});

test("a viewer reads an incident but cannot act on it; another project's incident is not found", async ({
  browser,
  page,
}) => {
  const lead = await signedIn(browser, "lead");
  const { id, number } = await openIncident(lead.page, unique("viewer check"), { severity: "SEV3" });
  // Webhooks are an admin's business.
  expect((await lead.page.goto(WEBHOOKS))?.status()).toBe(403);
  await lead.context.close();

  await signIn(page, "viewer");
  await page.goto(INCIDENTS);
  await expect(page.getByRole("heading", { name: "Incidents", level: 1 })).toBeVisible();
  await expect(page.getByTestId("response-times")).toBeVisible();
  await expect(page.getByRole("button", { name: "New incident" })).toHaveCount(0);
  await page
    .getByTestId("incident-row")
    .and(page.locator(`[data-number="${number}"]`))
    .getByRole("link", { name: `INC-${number}` })
    .click();
  await expect(page).toHaveURL(`${INCIDENTS}/${id}`);
  await expect(page.getByText("You can read this incident; responding to it takes a lead.")).toBeVisible();
  await expect(timelineEntry(page, "detected")).toBeVisible();
  await expect(page.getByTestId("incident-steps")).toHaveCount(0);
  await expect(page.getByLabel("Add a note")).toHaveCount(0);
  await expect(page.locator("main").getByRole("button")).toHaveCount(0);

  expect((await page.goto(WEBHOOKS))?.status()).toBe(403);

  // An admin of both projects opening this project's incident under the other's address, and ids that are no incident.
  const admin = await signedIn(browser, "admin");
  for (const url of [
    `/p/${OTHER_PROJECT}/incidents/${id}`,
    `${INCIDENTS}/not-an-incident`,
    `${INCIDENTS}/00000000-0000-4000-8000-000000000000`,
  ]) {
    const response = await admin.page.goto(url);
    expect(response?.status(), url).toBe(404);
    await expect(admin.page.getByRole("heading", { name: "Not found" })).toBeVisible();
  }
  await admin.context.close();
  // A viewer of this project only: the other project does not exist for them.
  const response = await page.goto(`/p/${OTHER_PROJECT}/incidents`);
  expect(response?.status()).toBe(404);
});

test("an admin adds a webhook endpoint, sees its secret once, and retries a dead-lettered delivery", async ({
  page,
}) => {
  const name = unique("hook");
  await signIn(page, "admin");
  await page.goto(WEBHOOKS);
  await expect(page.getByRole("navigation", { name: "Admin" }).getByRole("link", { name: "Webhooks" })).toHaveAttribute(
    "aria-current",
    "page",
  );
  const panel = page.getByTestId("webhooks-panel");
  await expect(panel).toHaveAttribute("data-hydrated", "");

  // The console's own health route answers a POST with 405: the receiver refuses the
  // request itself, so the delivery is dead-lettered at its first attempt.
  const refusing = `${new URL(page.url()).origin}/api/health`;
  const add = page.getByRole("region", { name: "Add an endpoint" });
  await add.getByLabel("Name").fill(name);
  await add.getByLabel("URL").fill("ftp://hooks.example.com/rampart");
  await add.getByRole("button", { name: "Add endpoint" }).click();
  await expect(add.getByLabel("URL")).toHaveAttribute("aria-invalid", "true");
  await expect(add.getByText("Give an http(s) URL").first()).toBeVisible();
  await expect(add.getByLabel("Name")).toHaveValue(name);
  await add.getByLabel("URL").fill(refusing);
  await add.getByLabel("Payload style").selectOption("GENERIC");
  await add.getByRole("checkbox", { name: "incident.opened" }).check();
  await add.getByRole("button", { name: "Add endpoint" }).click();
  const shown = page.getByTestId("new-webhook-secret");
  await expect(shown).toHaveText(/^whsec_[A-Za-z0-9_-]{20,}$/);
  const secret = (await shown.textContent())!;
  const endpoint = page.getByTestId("webhook-endpoint").and(page.locator(`[data-name="${name}"]`));
  await expect(endpoint.getByTestId("webhook-url")).toHaveText(refusing);
  await expect(endpoint).toContainText("incident.opened");

  // Shown once: not after a reload.
  await page.reload();
  await expect(endpoint).toBeVisible();
  await expect(page.getByTestId("new-webhook-secret")).toHaveCount(0);
  expect(await page.content()).not.toContain(secret);

  // An incident opened now is announced to the endpoint, which refuses it.
  const { number } = await openIncident(page, unique("webhook announcement"), { severity: "SEV4" });
  await page.goto(WEBHOOKS);
  const dead = page.getByTestId("dead-letters").getByTestId("delivery-row").filter({ hasText: name });
  await expect(async () => {
    await page.reload();
    await expect(dead).toHaveCount(1, { timeout: 2_000 });
  }).toPass({ timeout: 60_000 });
  await expect(dead).toContainText("incident.opened");
  await expect(dead).toContainText("HTTP 405");
  await expect(dead.getByTestId("delivery-attempts")).toHaveText("1");
  await dead.getByText("Payload", { exact: true }).click();
  await expect(dead.locator("pre")).toContainText(`"number": ${number}`);

  await expect(panel).toHaveAttribute("data-hydrated", "");
  await dead.getByRole("button", { name: /^Retry/ }).click();
  await expect(page.getByTestId("dead-letters").getByRole("status")).toHaveText(
    "Queued to be sent again, with a fresh round of retries.",
  );
  // The receiver still refuses: the retry is attempted and dead-lettered again.
  await expect(async () => {
    await page.reload();
    await expect(dead.getByTestId("delivery-attempts")).toHaveText("2", { timeout: 2_000 });
  }).toPass({ timeout: 60_000 });

  // A new secret can be generated, and is shown once too.
  await expect(panel).toHaveAttribute("data-hydrated", "");
  await endpoint.getByRole("button", { name: "Edit" }).click();
  await endpoint.getByLabel("Generate a new secret (shown once)").check();
  await endpoint.getByRole("button", { name: "Save changes" }).click();
  await expect(endpoint.getByTestId("new-webhook-secret")).toHaveText(/^whsec_/);
  expect(await endpoint.getByTestId("new-webhook-secret").textContent()).not.toBe(secret);
  await endpoint.getByRole("button", { name: "Done" }).click();

  // Deleting the endpoint removes its deliveries, dead letters included.
  page.once("dialog", (d) => void d.accept());
  await endpoint.getByRole("button", { name: "Delete" }).click();
  await expect(page.getByText("Endpoint deleted, with its deliveries.")).toBeVisible();
  await expect(endpoint).toHaveCount(0);
  await expect(dead).toHaveCount(0);
});

test("a lead opens an incident from a triage item: the item is linked both ways", async ({ page }) => {
  await signIn(page, "lead");
  const requestId = `demo-${PROJECT}-sample`;
  await page.goto(`/p/${PROJECT}/queue?q=${requestId}`);
  await page.getByRole("link", { name: requestId, exact: true }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText(requestId);
  const itemUrl = page.url();

  const panel = page.getByRole("region", { name: "Open an incident" });
  await expect(panel).toHaveAttribute("data-hydrated", "");
  await panel.getByRole("button", { name: "New incident" }).click();
  await expect(panel.getByLabel("Title")).toHaveValue(`Harm seen in triage item ${requestId}`);
  await panel.getByRole("button", { name: "Open incident" }).click();
  await expect(page).toHaveURL(INCIDENT_URL, { timeout: 30_000 });
  const number = Number(/INC-(\d+)/.exec((await page.getByRole("heading", { level: 1 }).textContent()) ?? "")?.[1]);
  await expect(timelineEntry(page, "triage_link")).toContainText("Opened from a triage item");

  await page.goto(itemUrl);
  await expect(page.getByTestId("item-incident")).toContainText(`INC-${number}`);
  await expect(page.getByRole("region", { name: "Open an incident" })).toHaveCount(0);
});
