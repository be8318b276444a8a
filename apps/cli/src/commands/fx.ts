// The names alone: help texts must not load the effects, the decoders and their schemas.
import { EFFECT_PRESET_NAMES } from "@mini-studio/audio/preset-names";
import type { WavBitDepth } from "@mini-studio/audio";
import { Command, InvalidArgumentError } from "commander";
import type { OutputOptions } from "../render";

type FxOptions = OutputOptions & { chain: string };

function bitDepth(value: string): WavBitDepth {
  if (value === "16" || value === "24" || value === "32") return Number(value) as WavBitDepth;
  throw new InvalidArgumentError("use 16, 24 or 32 (32 is float).");
}

function bitrate(value: string): number {
  const kbps = Number(value);
  if (!Number.isInteger(kbps)) throw new InvalidArgumentError("a whole number of kbit/s, e.g. 192.");
  return kbps;
}

function withOutputOptions(command: Command): Command {
  return command
    .option("--bit-depth <bits>", "WAV output: 16, 24 or 32 (float); default: the input's depth when it is one of these, else 24", bitDepth)
    .option("--bitrate <kbps>", "MP3 output bit rate (default 192)", bitrate);
}

export function fxCommand(): Command {
  return withOutputOptions(
    new Command("fx")
      .description("run a chain of effects over an audio file")
      .argument("<in>", "the audio to process (.wav, .mp3 or .flac)")
      .argument("<out>", "where to write the result (.wav or .mp3); written only when everything succeeded")
      .requiredOption("--chain <json|preset>", `a JSON array of effects, e.g. '[{"type":"gain","db":-3}]', or a preset: ${EFFECT_PRESET_NAMES.join(", ")}`),
  ).action(async (input: string, output: string, opts: FxOptions) => (await import("../render")).render(input, output, opts.chain, opts, "fx"));
}

export function convertCommand(): Command {
  return withOutputOptions(
    new Command("convert")
      .description("convert an audio file to WAV or MP3 (e.g. an MP3 or FLAC to WAV), unchanged otherwise")
      .argument("<in>", "the audio to convert (.wav, .mp3 or .flac)")
      .argument("<out>", "where to write it (.wav or .mp3)"),
  ).action(async (input: string, output: string, opts: OutputOptions) => (await import("../render")).render(input, output, [], opts, "convert"));
}
