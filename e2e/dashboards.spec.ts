import { readFile } from "node:fs/promises";
import { expect, test } from "@playwright/test";
import { PROJECT, signIn } from "./helpers";

// The demo seed writes a week of traffic, outcomes and two past incidents and
// marks every bucket dirty; the worker's rollup passes (every 5 s) build the
// rollups the dashboards read. Until they have, the safety page is empty.
test("a viewer sees every dashboard with data and downloads a chart's CSV", async ({ page }) => {
  test.setTimeout(90_000);
  await signIn(page, "viewer");
  await expect
    .poll(
      async () => {
        await page.goto(`/p/${PROJECT}/dashboards/safety?range=7d`);
        // The figures table sits in a closed <details>: present, not visible.
        return (await page.getByTestId("chart-by-model").locator("table tbody tr").count()) > 0;
      },
      { timeout: 60_000, intervals: [2_000] },
    )
    .toBe(true);

  const expectations: [string, string, string][] = [
    ["safety", "Safety dashboard", "chart-by-flag"],
    ["operations", "Operations dashboard", "chart-sla-by-severity"],
    ["incidents", "Incidents dashboard", "chart-timeline"],
    ["quality", "Classifier quality dashboard", "chart-classifiers"],
    ["releases", "Releases dashboard", "chart-by-template"],
    ["cost", "Cost and latency dashboard", "chart-latency-trend"],
    ["roi", "ROI dashboard", "chart-uplift"],
  ];
  for (const [name, heading, chart] of expectations) {
    await page.getByRole("navigation", { name: "Dashboards" }).getByRole("link", { name: new RegExp(`^${heading.replace(" dashboard", "")}`, "i") }).click();
    await expect(page).toHaveURL(new RegExp(`/dashboards/${name}\\?range=7d`));
    await expect(page.getByRole("heading", { level: 1, name: heading })).toBeVisible();
    const card = page.getByTestId(chart);
    await expect(card).toHaveAttribute("data-hydrated", "true");
    // Data, not the empty state: the card's table has rows.
    await expect(card.locator("table tbody tr").first()).toBeAttached();
    await expect(page.getByTestId("tile").first()).toBeVisible();
  }

  // The ROI comparison finds the release flag's two cohorts and a difference with its interval.
  await expect(page.getByLabel("Flag", { exact: true })).toHaveValue("assistant-v2-rollout");
  await expect(page.getByLabel("Control variant", { exact: true })).toHaveValue("false");
  await expect(page.getByTestId("chart-uplift").locator("table")).toContainText("task_completed");

  // Safety: the CSV of the model-version split, as downloaded.
  await page.goto(`/p/${PROJECT}/dashboards/safety?range=7d`);
  const card = page.getByTestId("chart-by-model");
  await expect(card).toHaveAttribute("data-hydrated", "true");
  const [download] = await Promise.all([page.waitForEvent("download"), card.getByRole("link", { name: "Download CSV" }).click()]);
  expect(download.suggestedFilename()).toMatch(new RegExp(`^${PROJECT}-safety-by-model-\\d{4}-\\d\\d-\\d\\d\\.csv$`));
  const lines = (await readFile((await download.path())!, "utf8")).trim().split("\r\n");
  expect(lines[0]).toBe('Model version,Responses,Harmful,"Harmful per 1,000","False refusals per 1,000",Reports,User-days,"Reports per 1,000 users"');
  expect(lines.length).toBeGreaterThan(1);
  const shown = await card.locator("table tbody tr").count();
  expect(lines.length - 1).toBe(shown);
  expect(lines.slice(1).every((l) => /^[^,]+,\d+,\d+,/.test(l))).toBe(true);
});

test("a bad range is explained, not an error page, and the data API refuses it with 400", async ({ page }) => {
  await signIn(page, "viewer");
  await page.goto(`/p/${PROJECT}/dashboards/cost?from=2026-02-01T00:00&to=2026-01-01T00:00`);
  await expect(page.getByRole("alert").filter({ hasText: "could not be used" })).toContainText("to must be after from");
  await expect(page.getByRole("heading", { level: 1, name: "Cost and latency dashboard" })).toBeVisible();
  const res = await page.request.get(`/p/${PROJECT}/dashboards/cost/data?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z`);
  expect(res.status()).toBe(400);
  expect((await page.request.get(`/p/${PROJECT}/dashboards/nope/data`)).status()).toBe(404);
  expect((await page.request.get(`/p/${PROJECT}/dashboards/safety/data?format=csv&chart=nope`)).status()).toBe(404);
});

test("another project's dashboards are not found, and signed-out callers are sent to sign in", async ({ page, playwright }) => {
  await signIn(page, "viewer");
  // The viewer is not a member of search-summaries (only admins are).
  expect((await page.goto("/p/search-summaries/dashboards/safety"))?.status()).toBe(404);
  expect((await page.request.get("/p/search-summaries/dashboards/safety/data")).status()).toBe(404);
  const anonymous = await playwright.request.newContext({ baseURL: page.url().split("/p/")[0] });
  const res = await anonymous.get(`/p/${PROJECT}/dashboards/safety/data`, { maxRedirects: 0 });
  expect(res.status()).toBe(307);
  expect(res.headers()["location"]).toMatch(/\/sign-in\?callbackUrl=/);
  await anonymous.dispose();
});
