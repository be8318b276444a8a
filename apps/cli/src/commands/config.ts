import type { Config } from "@mini-studio/config";
import { Command } from "commander";

/** Hides the password of a connection URL; everything else about it is useful to see. */
export function redactUrl(url: string | undefined): string | undefined {
  if (!url) return url;
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "***";
  }
}

export function describeConfig(config: Config): Record<string, unknown> {
  return { ...config, databaseUrl: redactUrl(config.databaseUrl), redisUrl: redactUrl(config.redisUrl) };
}

export function configCommand(): Command {
  return new Command("config")
    .description("show the effective settings (from the environment and defaults), secrets hidden")
    .option("--json", "print JSON instead of a table")
    .action(async (opts: { json?: boolean }) => {
      // Loaded here, so that the audio commands start without the settings' schema.
      const { getConfig } = await import("@mini-studio/config");
      const shown = describeConfig(getConfig());
      if (opts.json) {
        console.log(JSON.stringify(shown, null, 2));
        return;
      }
      const width = Math.max(...Object.keys(shown).map((key) => key.length));
      for (const [key, value] of Object.entries(shown)) {
        console.log(`${key.padEnd(width)}  ${Array.isArray(value) ? value.join(", ") : String(value ?? "(unset)")}`);
      }
    });
}
