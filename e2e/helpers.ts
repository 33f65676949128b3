import { expect, type Page } from "@playwright/test";

export const PASSWORD = process.env.SEED_PASSWORD ?? "rampart-e2e-password";
export const PROJECT = "support-assistant";

export const accounts = {
  admin: "admin@rampart.local",
  lead: "lead@rampart.local",
  reviewer: "reviewer@rampart.local",
  viewer: "viewer@rampart.local",
} as const;
export type DemoRole = keyof typeof accounts;

export async function signIn(page: Page, role: DemoRole, password = PASSWORD) {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(accounts[role]);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  if (password === PASSWORD) await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();
}
