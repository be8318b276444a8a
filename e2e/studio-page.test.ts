import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { launchBrowser, screenshotPath } from "./support/browser";
import { startStudio, type Studio } from "./support/server";

describe("the studio page in a real browser", () => {
  let studio: Studio;
  let browser: Browser;
  beforeAll(async () => {
    [studio, browser] = await Promise.all([startStudio(), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await studio?.stop();
  });

  it("loads and shows the server online through the tRPC client", async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    await page.goto(studio.url);
    await expect.poll(() => page.title()).toBe("Mini Studio");
    const badge = page.getByTestId("health");
    await badge.waitFor({ timeout: 15_000 });
    expect(await badge.textContent()).toMatch(/online · pglite · direct jobs/);
    await page.screenshot({ path: screenshotPath("home"), fullPage: true });
    expect(errors).toEqual([]);
  });
});
