import { expect, test, type Page } from "@playwright/test";
import { PROJECT, signIn } from "./helpers";

const RULE = "Indiscriminate weapons";

/**
 * A new project for each test, so that it starts from the shipped defaults and
 * the demo project keeps the settings the other specs rely on.
 */
async function freshProject(page: Page): Promise<string> {
  await signIn(page, "admin");
  await page.goto("/admin/projects");
  const name = `Triage Settings ${Date.now() % 1_000_000}`;
  await page.getByLabel("Name").fill(name);
  await page.getByRole("button", { name: "Create project" }).click();
  await expect(page.getByText(`Created ${name}.`)).toBeVisible();
  return name.toLowerCase().replaceAll(" ", "-");
}

const rulesRegion = (page: Page) => page.getByRole("region", { name: /^Severity rules/ });
const ruleRows = (page: Page) => rulesRegion(page).locator("tbody > tr");

test("an admin adds a rule, moves it first, tries it, and changes SLA and sampling — kept and audited", async ({ page }) => {
  const slug = await freshProject(page);
  await page.goto(`/p/${slug}/admin`);
  await page.getByRole("navigation", { name: "Admin" }).getByRole("link", { name: "Triage" }).click();
  await expect(page.getByRole("heading", { name: "Triage settings" })).toBeVisible();
  await expect(rulesRegion(page).getByText("defaults", { exact: true })).toBeVisible();
  await expect(ruleRows(page)).toHaveCount(7);

  const tryIt = page.getByRole("region", { name: "Try it" });
  await tryIt.getByLabel("Flagged categories and scores").fill("S9: 0.9");
  await tryIt.getByLabel("Flagged", { exact: true }).check();
  await expect(tryIt.getByRole("status")).toContainText("Severity SEV2 — matched rule 2, “Violent crimes or weapons”");

  const add = page.getByRole("region", { name: "Add a rule" });
  await add.getByLabel("Rule name").fill(RULE);
  await add.getByLabel("Severity").selectOption("SEV1");
  await add.getByLabel("Classifier categories").fill("S9");
  await add.getByLabel("Minimum score").fill("0.5");
  await add.getByRole("button", { name: "Add rule" }).click();
  await expect(add.getByRole("status")).toHaveText(`Rule “${RULE}” added at the end of the list.`);
  await expect(rulesRegion(page).getByText("defaults", { exact: true })).toHaveCount(0);
  await expect(ruleRows(page)).toHaveCount(8);
  await expect(ruleRows(page).nth(7)).toContainText(RULE);
  // Still second to the shipped weapons rule, which also covers S9.
  await expect(tryIt.getByRole("status")).toContainText("Severity SEV2");

  await rulesRegion(page).getByRole("button", { name: `Edit “${RULE}”` }).click();
  await rulesRegion(page).getByLabel("Minimum score").fill("0.8");
  await rulesRegion(page).getByRole("button", { name: "Save rule" }).click();
  await expect(rulesRegion(page).getByRole("status")).toHaveText(`Rule “${RULE}” saved.`);
  await expect(ruleRows(page).nth(7)).toContainText("classifier category S9 with score ≥ 0.8");

  for (let position = 8; position > 1; position--) {
    await rulesRegion(page).getByRole("button", { name: `Move “${RULE}” up` }).click();
    await expect(ruleRows(page).nth(position - 2)).toContainText(RULE);
  }
  await expect(rulesRegion(page).getByRole("button", { name: `Move “${RULE}” up` })).toBeDisabled();
  await expect(tryIt.getByRole("status")).toContainText(`Severity SEV1 — matched rule 1, “${RULE}”`);

  const sev2 = page.getByRole("region", { name: /^SEV2 policy/ });
  await sev2.getByLabel("First-triage target", { exact: true }).fill("2");
  await sev2.getByLabel("First-triage target unit").selectOption("hours");
  await sev2.getByRole("button", { name: "Save SEV2" }).click();
  await expect(sev2.getByRole("status")).toHaveText("SEV2 policy saved.");

  const sampling = page.getByRole("region", { name: "Sampling" });
  await expect(sampling.getByLabel("Blind review sample (%)")).toHaveValue("1");
  await sampling.getByLabel("Blind review sample (%)").fill("2.5");
  await sampling.getByRole("button", { name: "Save sampling" }).click();
  await expect(sampling.getByRole("status")).toHaveText("Sampling saved.");

  await page.reload();
  await expect(ruleRows(page).first()).toContainText(RULE);
  await expect(ruleRows(page).first()).toContainText("SEV1");
  await expect(sev2.getByRole("heading")).toContainText("triage within 2 hours");
  await expect(sev2.getByLabel("First-triage target", { exact: true })).toHaveValue("2");
  await expect(sev2.getByLabel("First-triage target unit")).toHaveValue("hours");
  await expect(sampling.getByLabel("Blind review sample (%)")).toHaveValue("2.5");

  await page.goto(`/p/${slug}/admin/audit`);
  for (const action of [
    "severity_rules.defaults_copied",
    "severity_rule.created",
    "severity_rule.updated",
    "severity_rule.moved",
    "sla_policy.updated",
    "project.sampling_changed",
  ]) {
    await expect(page.getByRole("cell", { name: action, exact: true }).first()).toBeVisible();
  }
  const samplingEvent = page.getByRole("row").filter({ has: page.getByRole("cell", { name: "project.sampling_changed", exact: true }) });
  await expect(samplingEvent).toContainText('"sampleRateBps":100');
  await expect(samplingEvent).toContainText('"sampleRateBps":250');
});

test("invalid triage settings are explained and change nothing", async ({ page }) => {
  const slug = await freshProject(page);
  await page.goto(`/p/${slug}/admin/triage`);

  const sev2 = page.getByRole("region", { name: /^SEV2 policy/ });
  await sev2.getByLabel("Resolution target", { exact: true }).fill("1");
  await sev2.getByRole("button", { name: "Save SEV2" }).click();
  await expect(sev2.getByRole("alert")).toHaveText("The resolution target must be at least as long as the first-triage target");
  // What was typed survives the error.
  await expect(sev2.getByLabel("Resolution target", { exact: true })).toHaveValue("1");

  await sev2.getByLabel("Resolution target", { exact: true }).fill("24");
  await sev2.getByLabel("Time zone").fill("Mars/Olympus_Mons");
  await sev2.getByRole("button", { name: "Save SEV2" }).click();
  await expect(sev2.getByRole("alert")).toContainText('"Mars/Olympus_Mons" is not an IANA time zone');

  const add = page.getByRole("region", { name: "Add a rule" });
  await add.getByLabel("Rule name").fill("Catches nothing");
  await add.getByLabel("Minimum score").fill("0.5");
  await add.getByRole("button", { name: "Add rule" }).click();
  await expect(add.getByRole("alert")).toHaveText("A rule needs at least one condition");
  await expect(add.getByLabel("Rule name")).toHaveValue("Catches nothing");

  const sampling = page.getByRole("region", { name: "Sampling" });
  await sampling.getByLabel("Blind review sample (%)").fill("150");
  await sampling.getByRole("button", { name: "Save sampling" }).click();
  await expect(sampling.getByRole("alert")).toContainText("percentage from 0 to 100");

  await page.reload();
  await expect(rulesRegion(page).getByText("defaults", { exact: true })).toBeVisible();
  await expect(ruleRows(page)).toHaveCount(7);
  await expect(sev2.getByLabel("Time zone")).toHaveValue("UTC");
  await expect(sev2.getByLabel("Resolution target", { exact: true })).toHaveValue("24");
  await expect(sampling.getByLabel("Blind review sample (%)")).toHaveValue("1");

  await page.goto(`/p/${slug}/admin/audit`);
  await expect(page.getByRole("cell", { name: "project.created", exact: true })).toBeVisible();
  await expect(page.getByRole("cell", { name: /^(severity_rule|sla_policy|project\.sampling)/ })).toHaveCount(0);
});

test("an admin disables a rule, then resets to the defaults after confirming", async ({ page }) => {
  const slug = await freshProject(page);
  await page.goto(`/p/${slug}/admin/triage`);
  const anyFlag = rulesRegion(page).getByLabel("Enable “Any classifier flag”");
  await anyFlag.uncheck();
  await expect(rulesRegion(page).getByRole("status")).toHaveText("Rule disabled.");
  await expect(anyFlag).not.toBeChecked();

  const tryIt = page.getByRole("region", { name: "Try it" });
  await tryIt.getByLabel("Flagged", { exact: true }).check();
  await expect(tryIt.getByRole("status")).toContainText("no rule matches, so the item is SEV4");

  page.once("dialog", (d) => void d.dismiss());
  await rulesRegion(page).getByRole("button", { name: "Reset to defaults" }).click();
  await expect(anyFlag).not.toBeChecked();

  page.once("dialog", (d) => void d.accept());
  await rulesRegion(page).getByRole("button", { name: "Reset to defaults" }).click();
  await expect(rulesRegion(page).getByRole("status")).toHaveText("Rules reset: the shipped defaults apply again.");
  await expect(rulesRegion(page).getByText("defaults", { exact: true })).toBeVisible();
  await expect(anyFlag).toBeChecked();
  await expect(tryIt.getByRole("status")).toContainText("Severity SEV3 — matched rule 7, “Any classifier flag”");

  await page.goto(`/p/${slug}/admin/audit`);
  await expect(page.getByRole("cell", { name: "severity_rule.disabled", exact: true })).toBeVisible();
  await expect(page.getByRole("cell", { name: "severity_rules.reset", exact: true })).toBeVisible();
});

test("a lead opening the triage settings gets a 403 page", async ({ page }) => {
  await signIn(page, "lead");
  const response = await page.goto(`/p/${PROJECT}/admin/triage`);
  expect(response?.status()).toBe(403);
  await expect(page.getByRole("heading", { name: "You don't have access to this page" })).toBeVisible();
});
