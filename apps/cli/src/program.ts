import { APP_VERSION } from "@mini-studio/config/workspace";
import { Command } from "commander";
import { analyzeCommand } from "./commands/analyze";
import { configCommand } from "./commands/config";
import { convertCommand, fxCommand } from "./commands/fx";
import { singCommand } from "./commands/sing";

/** The `studio` command line. Each subcommand lives in ./commands and works over the pure libraries. */
export function createProgram(): Command {
  return new Command("studio")
    .description("Mini Studio from the command line: inspect settings and process audio offline.")
    .version(APP_VERSION, "-v, --version")
    .showHelpAfterError("(run `studio --help` for usage)")
    .addCommand(configCommand())
    .addCommand(fxCommand())
    .addCommand(analyzeCommand())
    .addCommand(convertCommand())
    .addCommand(singCommand());
}
