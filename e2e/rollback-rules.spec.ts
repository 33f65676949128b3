import { expect, test, type Page } from "@playwright/test";
import { PROJECT, signIn, type DemoRole } from "./helpers";

const ROLLBACK = `/p/${PROJECT}/admin/rollback`;
const FLAG = "assistant-v2-rollout · production";
/** One of the playbook rules the demo seed gives assistant-v2-rollout. */
const DEFAULT_RULE = "Harmful output above 0.5 % over 30 min: halve";

// A journey goes through several saves and reloads.
test.describe.configure({ timeout: 90_000 });

// Unique per run: the demo database outlives a run when tests are repeated against it.
const unique = (what: string) => `e2e ${what} ${Date.now().toString(36)}`;

async function openRules(page: Page) {
  await page.goto(ROLLBACK);
  await expect(page.getByRole("heading", { name: "Rollback rules", level: 1 })).toBeVisible();
  // The toggles and forms only respond once the panel is hydrated.
  await expect(page.getByTestId("rollback-rules-panel")).toHaveAttribute("data-hydrated", "");
}

const rulesRegion = (page: Page) => page.getByRole("region", { name: "Rules" });
const ruleRow = (page: Page, name: string) =>
  page.getByTestId("rollback-rule").and(page.locator(`[data-name="${name}"]`));

/** Opens "New rule" and fills what every test needs; the threshold is typed in % for a rate. */
async function fillNewRule(page: Page, name: string, threshold: string) {
  const region = page.getByRole("region", { name: "New rule" });
  await region.getByRole("button", { name: "Add a rule" }).click();
  await region.getByLabel("Name", { exact: true }).fill(name);
  await region.getByLabel("Flag", { exact: true }).selectOption({ label: FLAG });
  await region.getByLabel("Metric").selectOption({ label: "Harmful-output rate" });
  await region.getByLabel("Window", { exact: true }).fill("10");
  await region.getByLabel("Window unit").selectOption("min");
  await region.getByLabel("Minimum samples").fill("300");
  await region.getByLabel("Threshold (%)").fill(threshold);
  await region.getByLabel("Action").selectOption({ label: "Pause widening" });
  await region.getByRole("checkbox", { name: /^Dry run/ }).check();
  return region;
}

test("a lead creates a dry-run rule, edits its threshold, disables it and deletes it", async ({ page }) => {
  const name = unique("rollback rule");
  await signIn(page, "lead");
  await openRules(page);

  const create = await fillNewRule(page, name, "0.8");
  await create.getByRole("button", { name: "Create rule" }).click();
  await expect(create.getByRole("status")).toHaveText(
    `Created “${name}” in dry run: it records what it would do and changes nothing.`,
  );

  const row = ruleRow(page, name);
  await expect(row).toHaveCount(1);
  await expect(row).toContainText(FLAG);
  await expect(row).toContainText("Harmful-output rate");
  await expect(row).toContainText("10 min");
  await expect(row).toContainText("Pause widening");
  await expect(row).toContainText("never");
  await expect(row.getByTestId("rule-threshold")).toHaveText("0.8 %");
  await expect(row.getByTestId("dry-run-badge")).toBeVisible();

  const rules = rulesRegion(page);
  await rules.getByRole("button", { name: `Edit ${name}` }).click();
  const edit = rules.locator("tr", { has: page.getByRole("heading", { name: `Edit “${name}”` }) });
  await expect(edit.getByLabel("Threshold (%)")).toHaveValue("0.8");
  await edit.getByLabel("Threshold (%)").fill("1.5");
  await edit.getByRole("button", { name: "Save changes" }).click();
  await expect(rules.getByRole("status")).toHaveText(`Saved “${name}”.`);
  await expect(row.getByTestId("rule-threshold")).toHaveText("1.5 %");
  await expect(row.getByTestId("dry-run-badge")).toBeVisible();

  await rules.getByLabel(`Enabled: ${name}`).uncheck();
  await expect(rules.getByRole("status")).toHaveText(`“${name}” is disabled: it is no longer evaluated.`);
  await page.reload();
  await expect(page.getByTestId("rollback-rules-panel")).toHaveAttribute("data-hydrated", "");
  await expect(row).toHaveAttribute("data-enabled", "false");
  await expect(rules.getByLabel(`Enabled: ${name}`)).not.toBeChecked();

  page.once("dialog", (d) => void d.accept());
  await rules.getByRole("button", { name: `Delete ${name}` }).click();
  await expect(rules.getByRole("status")).toHaveText(
    "Rule deleted, with its evaluations; incidents keep their timelines.",
  );
  await expect(row).toHaveCount(0);
});

test("a bad threshold is explained on its field and nothing is saved", async ({ page }) => {
  const name = unique("bad threshold");
  await signIn(page, "lead");
  await openRules(page);

  const create = await fillNewRule(page, name, "0");
  await create.getByRole("button", { name: "Create rule" }).click();
  const threshold = create.getByLabel("Threshold (%)");
  await expect(threshold).toHaveAttribute("aria-invalid", "true");
  await expect(threshold).toHaveAccessibleDescription("Must be above zero");
  // What was typed stays, to be corrected.
  await expect(create.getByLabel("Name", { exact: true })).toHaveValue(name);

  await threshold.fill("150");
  await create.getByRole("button", { name: "Create rule" }).click();
  await expect(threshold).toHaveAccessibleDescription("A rate is at most 100 %");

  await page.reload();
  await expect(page.getByTestId("rollback-rules-panel")).toHaveAttribute("data-hydrated", "");
  await expect(ruleRow(page, name)).toHaveCount(0);
});

for (const role of ["viewer", "reviewer"] satisfies DemoRole[]) {
  test(`a ${role} sees the rules and their evaluations, without edit controls`, async ({ page }) => {
    await signIn(page, role);
    await openRules(page);
    const row = ruleRow(page, DEFAULT_RULE).first();
    await expect(row).toBeVisible();
    await expect(row).toContainText(FLAG);
    await expect(row.getByTestId("rule-threshold")).toHaveText("0.5 %");
    await expect(row).toContainText("Halve the rollout");

    await expect(page.getByRole("region", { name: "New rule" })).toHaveCount(0);
    const rules = rulesRegion(page);
    await expect(rules.getByRole("button", { name: /^(Edit|Delete) / })).toHaveCount(0);
    await expect(rules.getByRole("checkbox")).toHaveCount(0);
    await expect(rules.getByText("changing them takes the lead or admin role")).toBeVisible();

    await row.getByRole("button", { name: `Evaluations of ${DEFAULT_RULE}` }).click();
    await expect(page.getByRole("heading", { name: /^Recent evaluations/ }).first()).toBeVisible();
  });
}
