import { expect, test, type Browser, type Page } from "@playwright/test";
import { PROJECT, signIn, type DemoRole } from "./helpers";

const ITEM_URL = new RegExp(`/p/${PROJECT}/queue/[0-9a-f-]{36}$`);
const DISPUTED = `demo-${PROJECT}-disputed`;

async function openByRequestId(page: Page, requestId: string) {
  await page.goto(`/p/${PROJECT}/queue?q=${requestId}`);
  await page.getByRole("link", { name: requestId, exact: true }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText(requestId);
}

async function signedIn(browser: Browser, role: DemoRole) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, role);
  return { context, page };
}

test("a lead settles a disagreement between two blind reviews", async ({ page }) => {
  // A reviewer sees the item is out of their hands and not what the first review said.
  await signIn(page, "reviewer");
  await openByRequestId(page, DISPUTED);
  await expect(page.getByTestId("review-panel")).toContainText("Escalated: a lead will take it from here.");
  await expect(page.getByRole("form", { name: "Label this item" })).toHaveCount(0);

  await page.context().clearCookies();
  await signIn(page, "lead");
  await openByRequestId(page, DISPUTED);
  const labels = page.getByTestId("labels");
  await expect(labels).toContainText("Harmful · Review by Rae Reviewer");
  await expect(labels).toContainText("Benign · Second review by Ada Admin");
  await page.getByRole("button", { name: "Claim this item" }).click();
  await expect(page.getByRole("form", { name: "Label this item" })).toBeVisible();
  await expect(page.getByText("The two reviews of this item disagree")).toBeVisible();

  await page.keyboard.press("4");
  await expect(page.getByRole("radio", { name: /Benign/ })).toBeChecked();
  await page.getByLabel("Notes").fill("Advice is to talk to the neighbour and never harm the dog.");
  await page.getByRole("button", { name: /^Resolve r$/ }).click();
  await expect(page.getByRole("status").filter({ hasText: "Saved." })).toBeVisible();
  await expect(labels).toContainText("Benign · Lead's decision by Lee Lead");
  await expect(page.locator("header").getByText("Resolved", { exact: true })).toBeVisible();
  await expect(page.getByTestId("history")).toContainText("triage.labeled");
});

test("a reviewer labels by keyboard alone and lands on the next item", async ({ page }) => {
  await signIn(page, "reviewer");
  await expect(page.getByTestId("queue-row").first()).toBeVisible();
  // Keys pressed before the page has hydrated go nowhere.
  await expect(page.locator("form[data-shortcut-ready]")).toBeAttached();
  await page.keyboard.press("c");
  await expect(page).toHaveURL(ITEM_URL);
  const first = page.url();
  const requestId = (await page.getByRole("heading", { level: 1 }).textContent())!.replace("Item", "").trim();
  await expect(page.getByRole("form", { name: "Label this item" })).toBeVisible();
  await expect(page.locator("form[data-shortcut-ready]")).toBeAttached();

  await page.keyboard.press("?");
  const help = page.getByRole("dialog", { name: "Keyboard shortcuts" });
  await expect(help).toBeVisible();
  await expect(help).toContainText("resolve and go to the next item");
  await page.keyboard.press("Escape");
  await expect(help).toBeHidden();

  // j moves between sections with a visible focus.
  await page.keyboard.press("j");
  await expect(page.locator("[data-review-section]").first()).toBeFocused();

  await page.keyboard.press("1");
  await expect(page.getByRole("radio", { name: /Harmful/ })).toBeChecked();
  // In a field, digits and letters are text, not shortcuts.
  const notes = page.getByLabel("Notes");
  await notes.focus();
  await page.keyboard.type("r4 tells the user to mix bleach and ammonia");
  await expect(page.getByRole("radio", { name: /Harmful/ })).toBeChecked();
  await expect(page).toHaveURL(first);

  await page.keyboard.press("Control+Enter");
  await expect(page).not.toHaveURL(first);
  await expect(page).toHaveURL(ITEM_URL);
  await expect(page.getByRole("form", { name: "Label this item" })).toBeVisible();

  await page.goto(first);
  await expect(page.getByTestId("labels")).toContainText("Harmful · Review by Rae Reviewer");
  await expect(page.getByTestId("labels")).toContainText("r4 tells the user to mix bleach and ammonia");
  await expect(page.locator("header").getByText("Resolved", { exact: true })).toBeVisible();
  await expect(page.getByTestId("history")).toContainText("triage.labeled");
  expect(requestId).not.toBe("");
});

test("two reviewers claiming at once get different items", async ({ browser }) => {
  const a = await signedIn(browser, "reviewer");
  const b = await signedIn(browser, "lead");
  try {
    for (const s of [a, b]) await expect(s.page.getByRole("button", { name: /Claim next/ })).toBeVisible();
    await Promise.all([a, b].map((s) => s.page.getByRole("button", { name: /Claim next/ }).click()));
    await Promise.all([a, b].map((s) => expect(s.page).toHaveURL(ITEM_URL)));
    expect(a.page.url()).not.toBe(b.page.url());
  } finally {
    await a.context.close();
    await b.context.close();
  }
});

test("a reviewer whose item changed meanwhile is told so and overwrites nothing", async ({ browser }) => {
  const reviewer = await signedIn(browser, "reviewer");
  const lead = await signedIn(browser, "lead");
  try {
    // One item of the reviewer's own choosing, so the items other tests open stay open.
    const requestId = `demo-${PROJECT}-27`;
    await openByRequestId(reviewer.page, requestId);
    const claimThis = reviewer.page.getByRole("button", { name: "Claim this item" });
    if (await claimThis.count()) await claimThis.click();
    await expect(reviewer.page.getByRole("form", { name: "Label this item" })).toBeVisible();
    await expect(reviewer.page.locator("form[data-shortcut-ready]")).toBeAttached();

    // A lead dismisses that item in bulk while the reviewer still has it open.
    await lead.page.goto(`/p/${PROJECT}/queue?q=${requestId}`);
    await lead.page.getByRole("checkbox", { name: `Select ${requestId}` }).check();
    await lead.page.getByPlaceholder("Reason (recorded on every item)").fill("Duplicate of an incident already handled");
    await lead.page.getByRole("button", { name: "Dismiss selected" }).click();
    await expect(lead.page.getByRole("status").filter({ hasText: "Dismissed 1 item." })).toBeVisible();

    await reviewer.page.keyboard.press("1");
    await reviewer.page.keyboard.press("r");
    await expect(reviewer.page.getByRole("alert").filter({ hasText: "This item changed since you opened it" })).toBeVisible();
    await reviewer.page.reload();
    await expect(reviewer.page.locator("header").getByText("Dismissed", { exact: true })).toBeVisible();
    await expect(reviewer.page.getByTestId("labels")).toHaveCount(0);
    await expect(reviewer.page.getByTestId("history")).toContainText("triage.bulk_dismiss");
    await expect(reviewer.page.getByTestId("history")).toContainText("Reason: Duplicate of an incident already handled");
  } finally {
    await reviewer.context.close();
    await lead.context.close();
  }
});

test("a viewer can read an item but not label it", async ({ page }) => {
  await signIn(page, "viewer");
  await openByRequestId(page, `demo-${PROJECT}-xss`);
  await expect(page.getByTestId("review-panel")).toContainText("labeling needs the reviewer role");
  await expect(page.getByRole("form", { name: "Label this item" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Claim this item" })).toHaveCount(0);
  await page.keyboard.press("1");
  await page.keyboard.press("r");
  await expect(page.getByRole("radio")).toHaveCount(0);
});

test("a reviewer cuts a flag's rollout from the item, and both the item and the flag record why", async ({ page }) => {
  await signIn(page, "reviewer");
  await openByRequestId(page, `demo-${PROJECT}-xss`);
  const panel = page.getByTestId("mitigate-panel");
  const flag = panel.locator('[data-flag-key="assistant-v2-rollout"]');
  await expect(flag).toContainText(/on for [\d.]+%/);
  const before = Number((await flag.textContent())!.match(/on for ([\d.]+)%/)![1]);
  await expect(panel.locator('[data-flag-key="assistant-enabled"]').getByRole("button", { name: /^Cut/ })).toHaveCount(0);

  await panel.getByLabel("Reason (required)").fill("XSS payload in responses under the v2 template");
  const after = Math.floor((before * 100) / 2) / 100;
  await flag.getByRole("button", { name: `Cut assistant-v2-rollout rollout to ${after}%` }).click();
  await expect(panel.getByRole("status")).toContainText(`assistant-v2-rollout cut to ${after}%`);
  await expect(flag).toContainText(`on for ${after}%`);
  await expect(page.getByTestId("history")).toContainText("triage.mitigated");
  await expect(page.getByTestId("history")).toContainText("Reason: XSS payload in responses under the v2 template");
});
