import { createProgram } from "./program";

try {
  await createProgram().parseAsync(process.argv);
} catch (error) {
  const { formatConfigError } = await import("@mini-studio/config");
  console.error(formatConfigError(error) ?? (error instanceof Error ? error.message : String(error)));
  process.exitCode = 1;
}
