import { formatConfigError } from "@mini-studio/config";
import { createProgram } from "./program";

try {
  await createProgram().parseAsync(process.argv);
} catch (error) {
  console.error(formatConfigError(error) ?? (error instanceof Error ? error.message : String(error)));
  process.exitCode = 1;
}
