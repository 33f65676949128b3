import { expect, test, type Browser, type Locator, type Page } from "@playwright/test";
import { PROJECT, signIn, type DemoRole } from "./helpers";

const FLAGS = `/p/${PROJECT}/flags`;
const FLAG_URL = new RegExp(`${FLAGS}/[0-9a-f-]{36}$`);

// Each journey signs in (most as two people) and goes through several confirmations.
test.describe.configure({ timeout: 90_000 });

// Unique per run: the demo database outlives a run when tests are repeated against it.
const uniqueKey = (what: string) => `e2e-${what}-${Date.now().toString(36)}`;

async function signedIn(browser: Browser, role: DemoRole) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, role);
  return { context, page };
}

/** Ticks exactly these environments: other tests (admin.spec.ts) may have added more to the project. */
async function onlyEnvironments(panel: Locator, names: readonly string[]) {
  const boxes = panel.getByRole("group", { name: "Environments" }).getByRole("checkbox");
  for (const box of await boxes.all()) {
    const label = (await box.evaluate((el) => el.closest("label")?.textContent ?? "")).trim();
    await box.setChecked(names.some((n) => label.startsWith(n)));
  }
}

/** Creates a flag through "New flag" and opens it in the first environment it was created in. */
async function createFlag(
  page: Page,
  flag: {
    key: string;
    kind?: "Kill switch" | "Release";
    environments: ("Production" | "Staging")[];
    enabled: boolean;
    rollout?: string;
  },
) {
  await page.goto(FLAGS);
  const panel = page.getByRole("region", { name: "Create a flag" });
  await panel.getByRole("button", { name: "New flag" }).click();
  await panel.getByLabel("Key").fill(flag.key);
  await panel.getByLabel("Kind").selectOption({ label: flag.kind ?? "Release" });
  await panel.getByLabel("Description").fill("Created by the flags e2e test");
  await onlyEnvironments(panel, flag.environments);
  await panel.getByRole("checkbox", { name: "Enabled" }).setChecked(flag.enabled);
  if (flag.rollout !== undefined) await panel.getByLabel("Rollout (%)").fill(flag.rollout);
  await panel.getByLabel("Reason (required)").fill("e2e: a flag of our own");
  await panel.getByRole("button", { name: "Create flag" }).click();
  const status = panel.getByRole("status");
  await expect(status).toContainText(`Created ${flag.key} in`);
  const created = (await status.textContent()) ?? "";
  await status.getByRole("link", { name: `Open in ${flag.environments[0]!.toLowerCase()}` }).click();
  await expect(page).toHaveURL(FLAG_URL);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(flag.key);
  return { created, url: page.url() };
}

const historyVersion = (page: Page, version: number) =>
  page.locator(`[data-testid="history-version"][data-version="${version}"]`);

test("a lead kills a feature from its flag page, the history shows the version with its reason, and a revert restores it", async ({
  page,
}) => {
  const key = uniqueKey("kill");
  await signIn(page, "lead");

  // The form names the field that is wrong and keeps what was typed.
  await page.goto(FLAGS);
  const panel = page.getByRole("region", { name: "Create a flag" });
  await panel.getByRole("button", { name: "New flag" }).click();
  await panel.getByLabel("Key").fill("Not A Key");
  await panel.getByLabel("Reason (required)").fill("e2e: checking field errors");
  await panel.getByRole("button", { name: "Create flag" }).click();
  await expect(panel.getByLabel("Key")).toHaveAttribute("aria-invalid", "true");
  await expect(panel.getByText("Use 1–100 lower-case letters", { exact: false }).first()).toBeVisible();
  await expect(panel.getByLabel("Reason (required)")).toHaveValue("e2e: checking field errors");
  await panel.getByLabel("Key").fill("assistant-enabled");
  await panel.getByLabel("Kind").selectOption({ label: "Kill switch" });
  await onlyEnvironments(panel, ["Production"]);
  await panel.getByRole("button", { name: "Create flag" }).click();
  await expect(panel.getByRole("alert")).toContainText(
    'A flag with the key "assistant-enabled" already exists in production',
  );

  await createFlag(page, { key, kind: "Kill switch", environments: ["Staging"], enabled: true });
  await expect(page.getByTestId("flag-summary").getByTestId("flag-state")).toHaveText("on");

  // From the keyboard: Enter opens the confirmation with the reason focused, Escape backs out to the button.
  const kill = page.getByRole("button", { name: "Kill", exact: true });
  const dialog = page.getByRole("dialog", { name: `Kill ${key} in Staging?` });
  await kill.focus();
  await page.keyboard.press("Enter");
  await expect(dialog.getByLabel("Reason (required)")).toBeFocused();
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  await expect(kill).toBeFocused();

  await kill.click();
  await expect(dialog).toContainText("will serve its fallback to everyone in Staging");
  await expect(dialog).toContainText("Traffic exposed goes from 100% to 0%.");
  await expect(dialog.getByTestId("dialog-outcome")).toHaveText("This applies at once.");
  // No reason, no kill: the dialog stays open.
  await dialog.getByRole("button", { name: "Kill" }).click();
  await expect(dialog).toBeVisible();
  await dialog.getByLabel("Reason (required)").fill("e2e: harmful answers reported");
  await dialog.getByLabel("Ticket link (optional)").fill("https://tickets.example/INC-42");
  await dialog.getByRole("button", { name: "Kill" }).click();
  await expect(dialog).toBeHidden();

  await expect(page.getByTestId("flag-controls").getByRole("status")).toContainText("Version 2 applied");
  await expect(page.getByTestId("flag-summary").getByTestId("flag-state")).toHaveText("off");
  const v2 = historyVersion(page, 2);
  await expect(v2).toContainText("current");
  await expect(v2.getByTestId("version-status")).toHaveText("applied");
  await expect(v2).toContainText("by lead@rampart.local");
  await expect(v2.getByTestId("version-reason")).toContainText("e2e: harmful answers reported");
  await expect(v2.getByRole("link", { name: "ticket" })).toHaveAttribute("href", "https://tickets.example/INC-42");
  await expect(v2.getByRole("list", { name: "Changes" })).toContainText("narrowing");
  await expect(v2.getByRole("list", { name: "Changes" })).toContainText("disabled");

  // Bring it back as it was: a new version, so the history only grows.
  await historyVersion(page, 1).getByRole("button", { name: "Revert to this version (1)" }).click();
  const revert = page.getByRole("dialog", { name: `Revert ${key} to version 1?` });
  await expect(revert).toContainText("Traffic exposed goes from 0% to 100%.");
  await expect(revert.getByTestId("dialog-outcome")).toHaveText("This applies at once.");
  await revert.getByLabel("Reason (required)").fill("e2e: fixed upstream");
  await revert.getByRole("button", { name: "Revert" }).click();
  await expect(revert).toBeHidden();
  await expect(page.getByTestId("flag-summary").getByTestId("flag-state")).toHaveText("on");
  await expect(historyVersion(page, 3)).toContainText("Restores version 1.");
  await expect(historyVersion(page, 3)).toContainText("current");

  await page.goto(`${FLAGS}?q=${key}`);
  const row = page.getByTestId("flag-row").filter({ hasText: key });
  await expect(row.getByTestId("flag-state")).toHaveText("on");
  await expect(row).toContainText("v3");
});

test("a reviewer can cut a rollout but has no control that widens one", async ({ browser, page }) => {
  const key = uniqueKey("cut");
  const lead = await signedIn(browser, "lead");
  const { url } = await createFlag(lead.page, { key, environments: ["Staging"], enabled: true, rollout: "40" });
  await lead.context.close();

  await signIn(page, "reviewer");
  await page.goto(FLAGS);
  await expect(page.getByRole("button", { name: "New flag" })).toHaveCount(0);

  // The demo rollout in production (whatever an earlier test left it at): nothing that widens.
  await page.getByRole("link", { name: "assistant-v2-rollout", exact: true }).click();
  await expect(page).toHaveURL(FLAG_URL);
  await expect(
    page.getByText("You may lower exposure (kill, cut the rollout); raising it takes a lead."),
  ).toBeVisible();
  await expect(page.getByRole("switch")).toHaveCount(0);
  await expect(page.getByRole("slider")).toHaveCount(0);
  await expect(page.getByRole("spinbutton")).toHaveCount(0);
  await expect(page.getByRole("button", { name: /Review rollout change|Revert to this version|Approve/ })).toHaveCount(
    0,
  );

  await page.goto(url);
  await expect(page.getByTestId("flag-summary").getByTestId("flag-state")).toHaveText("partial · 40%");
  await expect(page.getByRole("switch")).toHaveCount(0);
  await expect(page.getByRole("slider")).toHaveCount(0);
  await page.getByRole("button", { name: "Cut rollout to 20%" }).click();
  const dialog = page.getByRole("dialog", { name: `Cut the rollout of ${key} to 20%?` });
  await expect(dialog).toContainText("Traffic exposed goes from 40% to 20%.");
  await expect(dialog).toContainText("20% of traffic is no longer exposed");
  await expect(dialog).toContainText("Bucketing keeps a strict subset");
  await expect(dialog.getByTestId("dialog-outcome")).toHaveText("This applies at once.");
  await dialog.getByLabel("Reason (required)").fill("e2e: complaints about v2 answers");
  await dialog.getByRole("button", { name: "Cut to 20%" }).click();
  await expect(dialog).toBeHidden();

  await expect(page.getByTestId("flag-controls").getByRole("status")).toContainText(
    `Version 2 applied: ${key} is cut from 40% to 20%`,
  );
  await expect(page.getByTestId("flag-summary").getByTestId("flag-state")).toHaveText("partial · 20%");
  await expect(historyVersion(page, 2)).toContainText("by reviewer@rampart.local");
  await expect(historyVersion(page, 2)).toContainText("rollout 40% → 20%");
  // Restoring 40 % would widen: not the reviewer's to do.
  await expect(historyVersion(page, 1).getByRole("button", { name: /Revert/ })).toHaveCount(0);
});

test("widening in a protected environment waits for a second person, and another lead or admin approves it", async ({
  browser,
  page,
}) => {
  const key = uniqueKey("approve");
  await signIn(page, "lead");
  const { created, url } = await createFlag(page, { key, environments: ["Production"], enabled: true, rollout: "10" });
  expect(created).toContain("production (enabling waits for approval)");

  // Created disabled; enabling it is version 2, waiting. The requester cannot approve it.
  await expect(page.getByTestId("flag-summary").getByTestId("flag-state")).toHaveText("off");
  const pending = page.getByTestId("pending-approvals");
  await expect(pending.getByTestId("pending-version")).toHaveAttribute("data-version", "2");
  await expect(pending).toContainText("Your request: someone else must decide on it.");
  await expect(pending.getByRole("button", { name: /Approve/ })).toHaveCount(0);

  const admin = await signedIn(browser, "admin");
  await admin.page.goto(url);
  await admin.page.getByRole("button", { name: "Approve version 2" }).click();
  let approve = admin.page.getByRole("dialog", { name: `Approve version 2 of ${key}?` });
  await expect(approve).toContainText("Traffic exposed goes from 0% to 10%.");
  await approve.getByRole("button", { name: "Approve" }).click();
  await expect(approve).toBeHidden();
  await expect(admin.page.getByTestId("pending-approvals").getByRole("status")).toContainText("Approved: version 2");
  await expect(admin.page.getByTestId("flag-summary").getByTestId("flag-state")).toHaveText("partial · 10%");

  // The lead widens the rollout: the confirmation says who it reaches and that it will wait.
  await page.reload();
  await expect(page.getByTestId("flag-summary").getByTestId("flag-state")).toHaveText("partial · 10%");
  await page.getByLabel(/^Rollout \(%\)/).fill("30");
  await expect(page.getByRole("slider", { name: "Rollout slider (%)" })).toHaveValue("30");
  await page.getByRole("button", { name: "Review rollout change" }).click();
  const widen = page.getByRole("dialog", { name: `Change the rollout of ${key} in Production to 30%?` });
  await expect(widen).toContainText("Traffic exposed goes from 10% to 30%.");
  await expect(widen).toContainText("20% of traffic is newly exposed; everyone exposed now stays exposed.");
  await expect(widen.getByTestId("dialog-outcome")).toContainText(
    "Production is protected and this widens exposure: it waits for a second person's approval",
  );
  await widen.getByLabel("Reason (required)").fill("e2e: metrics are clean at 10%");
  await widen.getByRole("button", { name: "Request approval" }).click();
  await expect(widen).toBeHidden();
  await expect(page.getByTestId("flag-controls").getByRole("status")).toContainText(
    "Version 3 is waiting for a second person's approval",
  );
  await expect(page.getByTestId("flag-summary").getByTestId("flag-state")).toHaveText("partial · 10%");
  await expect(historyVersion(page, 3).getByTestId("version-status")).toHaveText("pending approval");

  await admin.page.reload();
  const request = admin.page.getByTestId("pending-version");
  await expect(request).toContainText("by lead@rampart.local");
  await expect(request).toContainText("e2e: metrics are clean at 10%");
  await expect(request).toContainText("rollout 10% → 30%");
  await admin.page.getByRole("button", { name: "Approve version 3" }).click();
  approve = admin.page.getByRole("dialog", { name: `Approve version 3 of ${key}?` });
  await expect(approve).toContainText("20% of traffic is newly exposed");
  await approve.getByRole("button", { name: "Approve" }).click();
  await expect(admin.page.getByTestId("flag-summary").getByTestId("flag-state")).toHaveText("partial · 30%");
  await expect(historyVersion(admin.page, 3)).toContainText("Approved by admin@rampart.local");
  await expect(historyVersion(admin.page, 3).getByTestId("version-status")).toHaveText("applied");
  await admin.context.close();

  await page.reload();
  await expect(page.getByTestId("flag-summary").getByTestId("flag-state")).toHaveText("partial · 30%");
  await expect(page.getByTestId("pending-approvals")).toHaveCount(0);
});

test("a viewer sees the flags read-only; another project's flag id is not found", async ({ browser, page }) => {
  await signIn(page, "viewer");
  await page.goto(FLAGS);
  await expect(page.getByRole("heading", { name: "Flags", level: 1 })).toBeVisible();
  await expect(page.getByTestId("flag-row").filter({ hasText: "assistant-enabled" })).toContainText("Kill switch");
  await expect(page.getByRole("button", { name: "New flag" })).toHaveCount(0);
  const killSwitches = page.getByTestId("kill-switches");
  // One per environment (admin.spec.ts may have added one to the demo project).
  await expect(killSwitches.getByTestId("kill-switch").filter({ hasText: "Production" })).toHaveCount(1);
  await expect(killSwitches.getByTestId("kill-switch").filter({ hasText: "Staging" })).toHaveCount(1);
  await expect(killSwitches.getByRole("button")).toHaveCount(0);

  // Search and filters are links anyone can share.
  await page.getByLabel("Search key or description").fill("prompt template");
  await page.getByRole("button", { name: "Apply filters" }).click();
  await expect(page).toHaveURL(/q=prompt\+template/);
  await expect(page.getByTestId("flag-row")).toHaveCount(1);
  await expect(page.getByTestId("flag-row")).toHaveAttribute("data-flag-key", "assistant-v2-rollout");
  await page.goto(`${FLAGS}?kind=KILL_SWITCH&q=assistant`);
  await expect(page.getByTestId("flag-row")).toHaveAttribute("data-flag-key", "assistant-enabled");
  await page.goto(`${FLAGS}?q=no-such-flag-anywhere`);
  await expect(page.getByRole("heading", { name: "No flags match these filters" })).toBeVisible();
  await page.getByRole("link", { name: "Show every flag" }).click();
  await expect(page.getByTestId("flag-row").first()).toBeVisible();

  await page.getByRole("link", { name: "assistant-v2-rollout", exact: true }).click();
  await expect(page).toHaveURL(FLAG_URL);
  await expect(page.getByTestId("flag-config")).toContainText("Targeting rules");
  await expect(page.getByTestId("history-version").first()).toBeVisible();
  await expect(page.getByText("You can read this flag")).toBeVisible();
  await expect(page.getByTestId("flag-controls")).toHaveCount(0);
  await expect(page.locator("main").getByRole("button")).toHaveCount(0);

  // An admin of both projects opening one project's flag under the other's address.
  const admin = await signedIn(browser, "admin");
  await admin.page.goto("/p/search-summaries/flags");
  await admin.page.getByRole("link", { name: "assistant-enabled", exact: true }).click();
  await expect(admin.page).toHaveURL(/\/p\/search-summaries\/flags\/[0-9a-f-]{36}$/);
  const otherId = admin.page.url().split("/").pop()!;
  for (const url of [`${FLAGS}/${otherId}`, `${FLAGS}/not-a-flag-id`]) {
    const response = await admin.page.goto(url);
    expect(response?.status(), url).toBe(404);
    await expect(admin.page.getByRole("heading", { name: "Not found" })).toBeVisible();
  }
  await admin.context.close();
});

test("the staging kill switch: a reviewer may turn it on, only a lead may turn it off, each with a reason", async ({
  browser,
  page,
}) => {
  await signIn(page, "reviewer");
  await page.goto(FLAGS);
  const staging = page.locator('[data-testid="kill-switch"][data-environment="staging"]');
  await expect(staging.getByTestId("kill-switch-state")).toHaveText("Kill switch off");
  await staging.getByRole("button", { name: "Turn on kill switch in Staging" }).click();
  const on = page.getByRole("dialog", { name: "Turn on the kill switch in Staging?" });
  await expect(on).toContainText("will serve its fallback in Staging at once");
  await on.getByLabel("Reason (required)").fill("e2e: incident drill");
  await on.getByRole("button", { name: "Turn on kill switch" }).click();
  await expect(on).toBeHidden();
  await expect(staging.getByTestId("kill-switch-state")).toHaveText("Kill switch ON — every flag serves its fallback");
  await expect(staging).toContainText("e2e: incident drill");
  await expect(staging.getByRole("button")).toHaveCount(0);

  const lead = await signedIn(browser, "lead");
  await lead.page.goto(FLAGS);
  const leadStaging = lead.page.locator('[data-testid="kill-switch"][data-environment="staging"]');
  await leadStaging.getByRole("button", { name: "Turn off kill switch in Staging" }).click();
  const off = lead.page.getByRole("dialog", { name: "Turn off the kill switch in Staging?" });
  await expect(off).toContainText("Every flag in Staging serves its own configuration again at once");
  await off.getByLabel("Reason (required)").fill("e2e: drill over");
  await off.getByRole("button", { name: "Turn off kill switch" }).click();
  await expect(off).toBeHidden();
  await expect(leadStaging.getByTestId("kill-switch-state")).toHaveText("Kill switch off");
  await expect(lead.page.getByTestId("kill-switches").getByRole("status")).toContainText(
    "Kill switch off: flags in staging serve their own configuration again.",
  );
  await lead.context.close();
});

test("lifting the production kill switch takes two people: one asks, another approves", async ({ browser, page }) => {
  await signIn(page, "lead");
  await page.goto(FLAGS);
  const production = page.locator('[data-testid="kill-switch"][data-environment="production"]');
  await production.getByRole("button", { name: "Turn on kill switch in Production" }).click();
  const on = page.getByRole("dialog", { name: "Turn on the kill switch in Production?" });
  await on.getByLabel("Reason (required)").fill("e2e: production drill");
  await on.getByRole("button", { name: "Turn on kill switch" }).click();
  await expect(production.getByTestId("kill-switch-state")).toHaveText("Kill switch ON — every flag serves its fallback");

  await production.getByRole("button", { name: "Ask to turn off kill switch in Production" }).click();
  const ask = page.getByRole("dialog", { name: "Ask to turn off the kill switch in Production?" });
  await expect(ask.getByTestId("dialog-outcome")).toContainText("stays on until another lead approves");
  await ask.getByLabel("Reason (required)").fill("e2e: drill over");
  await ask.getByRole("button", { name: "Ask to turn it off" }).click();
  await expect(page.getByTestId("kill-switches").getByRole("status")).toContainText("stays on until someone else approves");
  await expect(production.getByTestId("kill-switch-state")).toHaveText("Kill switch ON — every flag serves its fallback");
  await expect(production.getByTestId("kill-switch-request")).toContainText("You asked to lift it");

  const admin = await signedIn(browser, "admin");
  try {
    await admin.page.goto(FLAGS);
    const adminProduction = admin.page.locator('[data-testid="kill-switch"][data-environment="production"]');
    await expect(adminProduction.getByTestId("kill-switch-request")).toContainText("lead@rampart.local asked to lift it");
    await adminProduction.getByRole("button", { name: "Approve turning off kill switch in Production" }).click();
    const approve = admin.page.getByRole("dialog", { name: "Turn off the kill switch in Production?" });
    await expect(approve.getByTestId("dialog-outcome")).toContainText("approves lead@rampart.local's request");
    await approve.getByLabel("Reason (required)").fill("e2e: confirmed the drill is over");
    await approve.getByRole("button", { name: "Approve: turn it off" }).click();
    await expect(adminProduction.getByTestId("kill-switch-state")).toHaveText("Kill switch off");
  } finally {
    await admin.context.close();
  }
});

test("a lead caps what one user's LLM calls through a flag may cost per hour, and removes the cap", async ({ browser }) => {
  const { context, page } = await signedIn(browser, "lead");
  await createFlag(page, { key: uniqueKey("costly"), environments: ["Staging"], enabled: true, rollout: "100" });
  const panel = page.getByTestId("cost-breaker");
  await expect(panel).toHaveAttribute("data-hydrated", "");
  await expect(panel).toContainText("No ceiling");

  await panel.getByLabel("Ceiling per user per hour").fill("0");
  await panel.getByLabel("Reason").fill("e2e: cap spend");
  await panel.getByRole("button", { name: "Save ceiling" }).click();
  await expect(panel.getByRole("alert")).toContainText("Enter an amount above zero");

  await panel.getByLabel("Ceiling per user per hour").fill("0.5");
  await panel.getByLabel("Reason").fill("e2e: cap spend");
  await panel.getByRole("button", { name: "Save ceiling" }).click();
  await expect(panel.getByRole("status")).toContainText("Cost ceiling set to 0.5 per user per hour");
  await expect(panel).toContainText("more than 0.5 in an hour");
  await expect(panel.getByTestId("cost-breaker-tripped")).toHaveText("Nobody is over it this hour.");

  await panel.getByLabel("Reason").fill("e2e: no cap");
  await panel.getByRole("button", { name: "Remove" }).click();
  await expect(panel.getByRole("status")).toContainText("Cost ceiling removed");
  await expect(panel).toContainText("No ceiling");
  await context.close();
});
