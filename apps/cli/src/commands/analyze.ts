import { Command, InvalidArgumentError } from "commander";
import type { MeasureOptions } from "../measure";

function peakCount(value: string): number {
  const count = Number(value);
  if (!Number.isInteger(count) || count < 1 || count > 100_000) throw new InvalidArgumentError("a whole number from 1 to 100000.");
  return count;
}

export function analyzeCommand(): Command {
  return new Command("analyze")
    .description("measure an audio file: duration, peak, true peak, RMS, loudness (EBU R128), loudness range, clipping")
    .argument("<file>", "the audio to measure (.wav, .mp3 or .flac)")
    .option("--json", "print JSON (levels of silence are null)")
    .option("--peaks <count>", "also give this many waveform peaks, 1 to 100000 (JSON only)", peakCount, 0)
    .option("--loudness", "measure the loudness only, as a loudness meter does: integrated loudness and loudness range (EBU R128) with their gates")
    .action(async (file: string, opts: MeasureOptions) => {
      if (opts.loudness && opts.peaks > 0) throw new InvalidArgumentError("--peaks goes with the full analysis, not with --loudness.");
      await (await import("../measure")).measure(file, opts);
    });
}
