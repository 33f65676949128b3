import { expect, test } from "@playwright/test";
import { PROJECT, signIn } from "./helpers";

test("an admin creates an API key, sees it once, uses it, and revocation cuts it off", async ({ page, request }) => {
  await signIn(page, "admin");
  await page.goto(`/p/${PROJECT}/admin`);
  await page.getByRole("navigation", { name: "Admin" }).getByRole("link", { name: "API keys" }).click();
  await expect(page.getByRole("heading", { name: "API keys", exact: true })).toBeVisible();

  const name = `e2e-key-${Date.now()}`;
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("flags:read").check();
  await page.getByRole("button", { name: "Create key" }).click();
  const shown = page.getByTestId("new-api-key");
  await expect(shown).toHaveText(/^rmp_[A-Za-z0-9]{12}_[A-Za-z0-9_-]{43}$/);
  const key = (await shown.textContent())!;

  const who = await request.get("/api/v1/whoami", { headers: { Authorization: `Bearer ${key}` } });
  expect(who.status()).toBe(200);
  expect(await who.json()).toMatchObject({
    project: { slug: PROJECT },
    key: { name, scopes: ["events:write", "flags:read"] },
  });

  // Shown once: after a reload only the public prefix remains.
  await page.reload();
  await expect(page.getByTestId("new-api-key")).toHaveCount(0);
  const row = page.getByTestId(`api-key-row-${name}`);
  await expect(row).toContainText(key.split("_")[1]!);
  await expect(page.locator("body")).not.toContainText(key);

  page.once("dialog", (d) => void d.accept());
  await row.getByRole("button", { name: "Revoke" }).click();
  await expect(row).toContainText("Revoked");

  const after = await request.get("/api/v1/whoami", { headers: { Authorization: `Bearer ${key}` } });
  expect(after.status()).toBe(401);
  expect((await after.json()).error.code).toBe("UNAUTHENTICATED");

  // And the audit log shows both changes.
  await page.getByRole("navigation", { name: "Admin" }).getByRole("link", { name: "Audit log" }).click();
  await expect(page.getByRole("cell", { name: "apikey.revoked" }).first()).toBeVisible();
  await expect(page.getByRole("cell", { name: "apikey.created" }).first()).toBeVisible();
});

test("requests without a key, or with a malformed one, get 401", async ({ request }) => {
  expect((await request.get("/api/v1/whoami")).status()).toBe(401);
  expect((await request.get("/api/v1/whoami", { headers: { Authorization: "Bearer rmp_nope" } })).status()).toBe(401);
});

test("health reports database and Redis", async ({ request }) => {
  const res = await request.get("/api/health");
  expect(res.status()).toBe(200);
  expect(await res.json()).toMatchObject({ status: "ok", database: { status: "up" }, redis: { status: "up" } });
});
