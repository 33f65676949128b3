import { expect, test } from "@playwright/test";
import { PROJECT, accounts, signIn, type DemoRole } from "./helpers";

const expectedNav: Record<DemoRole, string[]> = {
  viewer: ["Queue", "Incidents", "Flags", "Dashboards", "Gate"],
  reviewer: ["Queue", "Incidents", "Flags", "Dashboards", "Gate"],
  lead: ["Queue", "Incidents", "Flags", "Dashboards", "Gate", "Exports"],
  admin: ["Queue", "Incidents", "Flags", "Dashboards", "Gate", "Exports", "Admin"],
};

test("a signed-out visitor is sent to sign-in and returned after", async ({ page }) => {
  await page.goto(`/p/${PROJECT}/flags`);
  await expect(page).toHaveURL(/\/sign-in\?callbackUrl=/);
  await page.getByLabel("Email").fill(accounts.viewer);
  await page.getByLabel("Password").fill(process.env.SEED_PASSWORD ?? "rampart-e2e-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(new RegExp(`/p/${PROJECT}/flags$`));
});

test("a wrong password shows a clear message and no session", async ({ page }) => {
  await signIn(page, "reviewer", "not-the-password");
  await expect(page.getByTestId("sign-in-error")).toHaveText("Email or password is incorrect.");
  await page.goto("/");
  await expect(page).toHaveURL(/\/sign-in/);
});

for (const role of Object.keys(expectedNav) as DemoRole[]) {
  test(`${role} sees the navigation of their role`, async ({ page }) => {
    await signIn(page, role);
    await expect(page).toHaveURL(/\/p\/[a-z0-9-]+\/queue$/);
    await page.goto(`/p/${PROJECT}/queue`);
    const nav = page.getByRole("navigation", { name: "Main" });
    await expect(nav.getByRole("link")).toHaveText(expectedNav[role]);
    await expect(page.getByTestId("current-role")).toHaveText(role);
  });
}

test("a viewer opening an admin URL gets a 403 page", async ({ page }) => {
  await signIn(page, "viewer");
  const response = await page.goto(`/p/${PROJECT}/admin/api-keys`);
  expect(response?.status()).toBe(403);
  await expect(page.getByRole("heading", { name: "You don't have access to this page" })).toBeVisible();
});

test("a reviewer opening another project's URL gets a not-found page", async ({ page }) => {
  await signIn(page, "reviewer");
  const response = await page.goto("/p/search-summaries/queue");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Not found" })).toBeVisible();
});

test("the project switcher lists only the user's projects", async ({ page }) => {
  await signIn(page, "reviewer");
  await expect(page.getByLabel("Project").locator("option")).toHaveText(["Support Assistant"]);
  await page.context().clearCookies();
  await signIn(page, "admin");
  // The admin owns the organization, so sees every project in it.
  const options = page.getByLabel("Project").locator("option");
  await expect(options.filter({ hasText: "Search Summaries" })).toHaveCount(1);
  await expect(options.filter({ hasText: "Support Assistant" })).toHaveCount(1);
  await page.getByLabel("Project").selectOption("search-summaries");
  await expect(page).toHaveURL(/\/p\/search-summaries\/queue$/);
});

test("sign-out ends the session", async ({ page }) => {
  await signIn(page, "lead");
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in/);
  await page.goto(`/p/${PROJECT}/queue`);
  await expect(page).toHaveURL(/\/sign-in/);
});
