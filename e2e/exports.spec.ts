import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { expect, test } from "@playwright/test";
import { PROJECT, signIn } from "./helpers";

// An item no other spec opens, labeled here so the export has a known row.
const REQUEST_ID = `demo-${PROJECT}-33`;
const CORRECTION = "e2e-export: the refund window is 30 days for annual plans, as the help centre says.";

test("a lead creates an export, sees it complete and downloads it with its manifest", async ({ page }) => {
  // Labeling, the worker's outbox relay and the generation all run within this test.
  test.setTimeout(90_000);
  await signIn(page, "lead");

  await page.goto(`/p/${PROJECT}/queue?q=${REQUEST_ID}`);
  await page.getByRole("link", { name: REQUEST_ID, exact: true }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText(REQUEST_ID);
  // A re-run against the same database finds the label already given.
  if ((await page.getByText(CORRECTION).count()) === 0) {
    const claim = page.getByRole("button", { name: "Claim this item" });
    if (await claim.count()) await claim.click();
    await expect(page.getByRole("form", { name: "Label this item" })).toBeVisible();
    await expect(page.locator("form[data-shortcut-ready]")).toBeAttached();
    await page.keyboard.press("2");
    await expect(page.getByRole("radio", { name: /Incorrect/ })).toBeChecked();
    await page.getByLabel("Corrected or ideal response").fill(CORRECTION);
    await page.getByRole("button", { name: /^Resolve r$/ }).click();
    await expect(page.getByRole("status").filter({ hasText: "Saved." })).toBeVisible();
  }

  await page.goto(`/p/${PROJECT}/exports`);
  await expect(page.getByRole("heading", { name: "New export" })).toBeVisible();
  await page.getByRole("radio", { name: /OpenAI preference \(DPO\)/ }).check();
  await page.getByRole("checkbox", { name: "Incorrect", exact: true }).check();
  await page.getByRole("button", { name: "Create export" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Export queued: OpenAI preference (DPO)" })).toBeVisible();

  // Newest first; the page refreshes itself while the export is queued or running.
  const row = page.getByTestId("export-row").first();
  await expect(row).toContainText("OpenAI preference (DPO)");
  await expect(row).toContainText("verdict INCORRECT");
  await expect(row).toHaveAttribute("data-status", "SUCCEEDED", { timeout: 60_000 });
  await expect(row).toContainText("Ready");

  const [download] = await Promise.all([
    page.waitForEvent("download"),
    row.getByRole("link", { name: "Download" }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(new RegExp(`^${PROJECT}-openai-dpo-.*\\.jsonl$`));
  const file = await readFile((await download.path())!);
  const lines = file
    .toString("utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l));
  expect(lines.length).toBeGreaterThan(0);
  const ours = lines.find((l) => l.preferred_output?.[0]?.content === CORRECTION);
  expect(ours).toMatchObject({
    input: { messages: expect.arrayContaining([expect.objectContaining({ role: "user" })]) },
    preferred_output: [{ role: "assistant", content: CORRECTION }],
    non_preferred_output: [{ role: "assistant", content: expect.any(String) }],
  });

  // The manifest beside it names the file's hash, the filter and who asked.
  const exportId = await row.getAttribute("data-export-id");
  const res = await page.request.get(`/p/${PROJECT}/exports/${exportId}/download?part=manifest`);
  expect(res.status()).toBe(200);
  const manifest = await res.json();
  expect(manifest).toMatchObject({
    exportId,
    format: "OPENAI_DPO",
    schemaVersion: 1,
    filter: { verdicts: ["INCORRECT"] },
    rowCount: lines.length,
    requestedBy: { email: "lead@rampart.local" },
    file: { sha256: createHash("sha256").update(file).digest("hex"), bytes: file.length },
  });
});

test("a viewer cannot open exports or download one", async ({ page }) => {
  await signIn(page, "viewer");
  await page.goto(`/p/${PROJECT}/exports`);
  await expect(page.getByText("You don't have access to this page")).toBeVisible();
  await expect(page.getByRole("button", { name: "Create export" })).toHaveCount(0);
  const download = await page.request.get(`/p/${PROJECT}/exports/00000000-0000-4000-8000-000000000000/download`);
  expect(download.status()).toBe(403);
});
