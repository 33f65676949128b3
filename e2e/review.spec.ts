import { expect, test, type Page } from "@playwright/test";
import { PROJECT, signIn } from "./helpers";

const OTHER_PROJECT = "search-summaries";
const requestIdOf = (key: string, project = PROJECT) => `demo-${project}-${key}`;
const ITEM_URL = new RegExp(`/p/${PROJECT}/queue/[0-9a-f-]{36}$`);

/** Finds a demo item by its request id through the queue's search and opens it. */
async function openItem(page: Page, key: string) {
  const requestId = requestIdOf(key);
  await page.goto(`/p/${PROJECT}/queue?q=${requestId}`);
  await page.getByRole("link", { name: requestId, exact: true }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText(requestId);
}

async function showSensitive(page: Page) {
  const show = page.getByRole("button", { name: "Show content" });
  if (await show.count()) await show.first().click();
}

test("a reviewer works the queue: live countdowns, claim next by button and by key, the item's full context", async ({ page }) => {
  await signIn(page, "reviewer");
  await expect(page).toHaveURL(new RegExp(`/p/${PROJECT}/queue$`));
  await expect(page.getByRole("heading", { name: "Queue", level: 1 })).toBeVisible();
  await expect(page.getByTestId("queue-row").first()).toBeVisible();
  await expect(page.getByTestId("status-count-ALL")).toContainText(/\d+/);

  // The countdowns run in the browser (two minutes pass on the page's clock).
  await page.clock.install();
  await page.reload();
  const timer = page.getByTestId("queue-row").first().getByRole("timer");
  await expect(timer).toHaveAttribute("data-sla-state", /^(normal|at_risk|breached)$/);
  const before = (await timer.textContent())!;
  await page.clock.fastForward("02:00");
  await expect(timer).not.toHaveText(before);

  // Typing "c" in a field is typing, not claiming.
  const search = page.getByLabel("Request id (exact)");
  await search.press("c");
  await expect(search).toHaveValue("c");
  await page.waitForTimeout(500);
  await expect(page).toHaveURL(new RegExp(`/p/${PROJECT}/queue$`));
  await search.fill("");

  await page.getByRole("button", { name: /Claim next/ }).click();
  await expect(page).toHaveURL(ITEM_URL);
  const first = page.url();
  await expect(page.getByRole("heading", { name: "Conversation" })).toBeVisible();
  await showSensitive(page);
  await expect(page.getByTestId("prompt-message").first()).toBeVisible();
  await expect(page.getByTestId("response")).not.toBeEmpty();
  await expect(page.getByRole("heading", { name: "Classifier verdicts" })).toBeVisible();
  await expect(page.getByTestId("flag-state")).toContainText("assistant-enabled");
  await expect(page.getByTestId("history")).toContainText("triage.claimed");
  await expect(page.getByText("Claimed by Rae Reviewer")).toBeVisible();

  await page.getByRole("link", { name: "← Queue" }).click();
  await expect(page.getByTestId("queue-row").first()).toBeVisible();
  await expect(page.locator("form[data-shortcut-ready]")).toBeAttached();
  await page.keyboard.press("c");
  await expect(page).toHaveURL(ITEM_URL);
  expect(page.url()).not.toBe(first);
});

test("j and k move a visible focus between queue rows and Enter opens the focused one", async ({ page }) => {
  await signIn(page, "reviewer");
  const rows = page.getByTestId("queue-row");
  await expect(rows.nth(1)).toBeVisible();
  await expect(page.locator("form[data-shortcut-ready]")).toBeAttached();
  await page.keyboard.press("j");
  await expect(rows.nth(0)).toBeFocused();
  await page.keyboard.press("j");
  await expect(rows.nth(1)).toBeFocused();
  await expect(rows.nth(1)).toHaveCSS("outline-style", "solid");
  await page.keyboard.press("k");
  await expect(rows.nth(0)).toBeFocused();
  const requestId = await rows.nth(0).getAttribute("data-request-id");
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(ITEM_URL);
  await expect(page.getByRole("heading", { level: 1 })).toContainText(requestId!);
});

test("untrusted output renders inert: no script runs, nothing is fetched, links and images are defused", async ({ page }) => {
  const dialogs: string[] = [];
  const evilRequests: string[] = [];
  page.on("dialog", (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  page.on("request", (r) => {
    if (new URL(r.url()).hostname.endsWith("evil.example")) evilRequests.push(r.url());
  });
  // Answered here, so that a request, if one ever leaves, is seen but reaches nobody.
  await page.route("https://evil.example/**", (route) => route.fulfill({ status: 204 }));

  await signIn(page, "reviewer");
  await openItem(page, "xss");
  const response = page.getByTestId("response");
  await expect(response).toContainText("<script>alert(1)</script>");
  await expect(response).toContainText("<img src=x onerror=alert(1)>");
  await expect(response.locator("script, img, iframe, [onerror]")).toHaveCount(0);
  await expect(response.locator('a[href^="javascript:"]')).toHaveCount(0);
  await expect(response.getByTestId("blocked-link")).toContainText("link removed");
  const placeholder = response.getByRole("button", { name: /Load image from evil\.example/ });
  await expect(placeholder).toBeVisible();

  // The rest of the context is there too: verdict scores and the flag snapshot with its rollout.
  await expect(page.getByTestId("verdict")).toContainText("S14");
  await expect(page.getByTestId("verdict")).toContainText("0.71");
  await expect(page.getByTestId("flag-state").getByRole("row", { name: /assistant-v2-rollout/ })).toContainText("25%");

  await page.waitForTimeout(1_000);
  expect(dialogs).toEqual([]);
  expect(evilRequests).toEqual([]);

  // Only a deliberate click fetches the image.
  await placeholder.click();
  await expect(response.locator("img")).toHaveAttribute("src", "https://evil.example/x.png");
  await expect.poll(() => evilRequests.length).toBeGreaterThan(0);
  expect(dialogs).toEqual([]);
});

test("sensitive content is blurred until clicked, and the reviewer can turn blurring off", async ({ page }) => {
  await signIn(page, "reviewer");
  await openItem(page, "self-harm");
  const gated = page.getByTestId("sensitive-content").filter({ has: page.getByTestId("response") });
  await expect(gated).toHaveAttribute("data-blurred", "true");
  await expect(gated.locator(":scope > div").first()).toHaveCSS("filter", /blur/);
  await expect(gated.locator(":scope > div").first()).toHaveAttribute("aria-hidden", "true");

  await page.getByRole("button", { name: "Show content" }).first().click();
  await expect(gated).toHaveAttribute("data-blurred", "false");
  await expect(page.getByTestId("response")).toContainText("I'm really sorry you're feeling this way");

  const setting = page.getByLabel("Blur sensitive content until I click");
  await setting.uncheck();
  await expect(page.getByText("Sensitive content will be shown unblurred.")).toBeVisible();
  try {
    await page.reload();
    await expect(gated).toHaveAttribute("data-blurred", "false");
    await expect(page.getByRole("button", { name: "Show content" })).toHaveCount(0);
  } finally {
    await page.getByLabel("Blur sensitive content until I click").check();
    await expect(page.getByText("Sensitive content will be blurred.")).toBeVisible();
  }
  await page.reload();
  await expect(gated).toHaveAttribute("data-blurred", "true");
});

test("a viewer sees the queue and items but cannot claim or reveal", async ({ page }) => {
  await signIn(page, "viewer");
  await page.goto(`/p/${PROJECT}/queue`);
  await expect(page.getByTestId("queue-row").first()).toBeVisible();
  await expect(page.getByRole("button", { name: /Claim next/ })).toHaveCount(0);
  await page.keyboard.press("c");
  await page.waitForTimeout(500);
  await expect(page).toHaveURL(new RegExp(`/p/${PROJECT}/queue$`));

  await openItem(page, "pii");
  await expect(page.getByRole("heading", { name: "Personal data" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Reveal original" })).toHaveCount(0);
});

test("an item id of another project, or an unknown one, is simply not found", async ({ page }) => {
  await signIn(page, "admin");
  await page.goto(`/p/${OTHER_PROJECT}/queue?q=${requestIdOf("xss", OTHER_PROJECT)}`);
  const href = await page.getByRole("link", { name: requestIdOf("xss", OTHER_PROJECT), exact: true }).getAttribute("href");
  const otherId = href!.split("/").pop()!;

  await page.context().clearCookies();
  await signIn(page, "reviewer");
  for (const url of [
    `/p/${PROJECT}/queue/${otherId}`,
    `/p/${OTHER_PROJECT}/queue/${otherId}`,
    `/p/${PROJECT}/queue/00000000-0000-4000-8000-000000000000`,
    `/p/${PROJECT}/queue/not-a-uuid`,
  ]) {
    const response = await page.goto(url);
    expect(response?.status(), url).toBe(404);
    await expect(page.getByRole("heading", { name: "Not found" })).toBeVisible();
  }
});

test("a lead reveals personal data with a reason, and the item's history records it", async ({ page }) => {
  await signIn(page, "reviewer");
  await openItem(page, "pii");
  await expect(page.getByRole("button", { name: "Reveal original" })).toHaveCount(0);

  await page.context().clearCookies();
  await signIn(page, "lead");
  await openItem(page, "pii");
  await expect(page.getByRole("heading", { name: "Conversation" })).toBeVisible();
  await expect(page.getByTestId("prompt-message").filter({ hasText: "[EMAIL]" })).toBeVisible();
  await expect(page.getByText("jane.doe@example.com")).toHaveCount(0);

  await page.getByRole("button", { name: "Reveal original" }).click();
  const reason = `Ticket PRIV-${Date.now() % 100000}: confirm what leaked`;
  await page.getByLabel("Reason for revealing personal data").fill(reason);
  await page.getByRole("button", { name: "Reveal", exact: true }).click();
  await expect(page.getByTestId("original-message").filter({ hasText: "jane.doe@example.com" })).toBeVisible();
  await expect(page.getByTestId("original-response")).toContainText("jane.doe@example.com");

  const history = page.getByTestId("history");
  await expect(history).toContainText("pii.revealed");
  await expect(history).toContainText(`Reason: ${reason}`);
  await expect(history).toContainText("lead@rampart.local");

  // An erased person's original cannot come back.
  await openItem(page, "erased");
  await expect(page.getByText("Original no longer available (erased).")).toBeVisible();
  await expect(page.getByRole("button", { name: "Reveal original" })).toHaveCount(0);
});
