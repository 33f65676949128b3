import { expect, test } from "@playwright/test";
import { PROJECT, signIn } from "./helpers";

test("an admin adds a member, changes the role, and removes them — each audited", async ({ page }) => {
  await signIn(page, "admin");
  await page.goto(`/p/${PROJECT}/admin/members`);
  const email = `new-${Date.now()}@rampart.local`;
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Role", { exact: true }).selectOption("VIEWER");
  await page.getByRole("button", { name: "Add member" }).click();
  await expect(page.getByText(`Added ${email}.`)).toBeVisible();
  await expect(page.getByText("Temporary password")).toBeVisible();

  await page.getByLabel(`Role of ${email}`).selectOption("LEAD");
  await expect(page.getByText("Role changed.")).toBeVisible();

  page.once("dialog", (d) => void d.accept());
  await page.getByRole("row", { name: new RegExp(email) }).getByRole("button", { name: "Remove" }).click();
  await expect(page.getByText("Member removed.")).toBeVisible();
  await expect(page.getByRole("row", { name: new RegExp(email) })).toHaveCount(0);

  await page.goto(`/p/${PROJECT}/admin/audit`);
  for (const action of ["member.added", "member.role_changed", "member.removed"]) {
    await expect(page.getByRole("cell", { name: action }).first()).toBeVisible();
  }
});

test("an admin renames the project and adds an environment; bad input is explained", async ({ page }) => {
  await signIn(page, "admin");
  await page.goto(`/p/${PROJECT}/admin`);
  await page.getByLabel("Key").fill("Not A Slug!");
  await page.getByLabel("Name", { exact: true }).fill("Canary");
  await page.getByRole("button", { name: "Add environment" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "lowercase letters" })).toBeVisible();

  // What the user typed survives the error: only the key needs fixing.
  await expect(page.getByLabel("Name", { exact: true })).toHaveValue("Canary");
  await page.getByLabel("Key").fill(`canary-${Date.now() % 100000}`);
  await page.getByRole("button", { name: "Add environment" }).click();
  await expect(page.getByText("Environment created.")).toBeVisible();
});

test("an org admin creates a project and lands in its settings", async ({ page }) => {
  await signIn(page, "admin");
  await page.goto("/admin/projects");
  const name = `Ticket Triage ${Date.now() % 100000}`;
  await page.getByLabel("Name").fill(name);
  await page.getByRole("button", { name: "Create project" }).click();
  await expect(page.getByText(`Created ${name}.`)).toBeVisible();
  await page.getByRole("link", { name: /^Open / }).click();
  await expect(page.getByRole("heading", { name: "Project settings" })).toBeVisible();
  await expect(page.getByRole("cell", { name: "production", exact: true })).toBeVisible();
});
