import { EFFECT_PRESET_NAMES, encodeAudio, encodeFormatFromPath, resolveEffectChain, runEffectChain, type WavBitDepth } from "@mini-studio/audio";
import { Command, InvalidArgumentError } from "commander";
import { readAudioFile, writeFileAtomically } from "../audio-files";
import { progressBar } from "../progress";

type FxOptions = { chain: string; bitDepth?: WavBitDepth; bitrate?: number };

function bitDepth(value: string): WavBitDepth {
  if (value === "16" || value === "24" || value === "32") return Number(value) as WavBitDepth;
  throw new InvalidArgumentError("use 16, 24 or 32 (32 is float).");
}

function bitrate(value: string): number {
  const kbps = Number(value);
  if (!Number.isInteger(kbps)) throw new InvalidArgumentError("a whole number of kbit/s, e.g. 192.");
  return kbps;
}

function sameDepthOr24(depth: number | null): WavBitDepth {
  return depth === 16 || depth === 24 || depth === 32 ? depth : 24;
}

export function fxCommand(): Command {
  return new Command("fx")
    .description("run a chain of effects over an audio file")
    .argument("<in>", "the audio to process (.wav, .mp3 or .flac)")
    .argument("<out>", "where to write the result (.wav or .mp3); written only when everything succeeded")
    .requiredOption("--chain <json|preset>", `a JSON array of effects, e.g. '[{"type":"gain","db":-3}]', or a preset: ${EFFECT_PRESET_NAMES.join(", ")}`)
    .option("--bit-depth <bits>", "WAV output: 16, 24 or 32 (float); default: the input's depth when it is one of these, else 24", bitDepth)
    .option("--bitrate <kbps>", "MP3 output bit rate (default 192)", bitrate)
    .action(async (input: string, output: string, opts: FxOptions) => {
      // Checked first: a bad output name or chain is refused before any audio is read.
      const format = encodeFormatFromPath(output);
      if (format === "wav" && opts.bitrate !== undefined) throw new InvalidArgumentError("--bitrate is for .mp3 output; WAV takes --bit-depth.");
      if (format === "mp3" && opts.bitDepth !== undefined) throw new InvalidArgumentError("--bit-depth is for .wav output; MP3 takes --bitrate.");
      const chain = resolveEffectChain(opts.chain);
      const bar = progressBar("fx");
      try {
        const { audio, info } = await readAudioFile(input, (f) => bar.update(0.15 * f, "decoding"));
        const processed = runEffectChain(audio, chain, (f) => bar.update(0.15 + 0.75 * f, "effects"));
        bar.update(0.9, "encoding");
        const bytes =
          format === "wav"
            ? encodeAudio(processed, { format, bitDepth: opts.bitDepth ?? sameDepthOr24(info.bitDepth) })
            : encodeAudio(processed, { format, bitrateKbps: opts.bitrate, onProgress: (f) => bar.update(0.9 + 0.1 * f, "encoding") });
        await writeFileAtomically(output, bytes);
        bar.update(1, "done");
      } finally {
        bar.stop();
      }
    });
}
