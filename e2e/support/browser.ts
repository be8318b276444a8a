import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { testEnv } from "@mini-studio/config/testing";
import { chromium, type Browser } from "playwright-core";

/** Debian's Chromium, flags that keep it off the network (the machines reach package registries only). */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: testEnv("CHROMIUM_PATH") ?? "/usr/bin/chromium",
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
}

export function screenshotPath(name: string): string {
  const dir = join(import.meta.dirname, "..", "screenshots");
  mkdirSync(dir, { recursive: true });
  return join(dir, `${name}.png`);
}
