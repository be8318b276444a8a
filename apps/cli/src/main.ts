import { createProgram } from "./program";

// Output piped into a reader that stops early (`studio analyze x.wav | head`) is not an error.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code !== "EPIPE") throw error;
  process.exit(0);
});

// No top-level await: the bundle is CommonJS (build.mjs).
async function main(): Promise<void> {
  try {
    await createProgram().parseAsync(process.argv);
  } catch (error) {
    const { formatConfigError } = await import("@mini-studio/config");
    console.error(formatConfigError(error) ?? (error instanceof Error ? error.message : String(error)));
    process.exitCode = 1;
  }
}

void main();
