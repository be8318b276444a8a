import { analyzeAudio, BlockGatherer, toJsonSafe, type AudioAnalysis } from "@mini-studio/audio";
import { Command } from "commander";
import { openAudioFile } from "../audio-files";
import { progressBar } from "../progress";

const db = (value: number, unit: string) => (Number.isFinite(value) ? `${value.toFixed(1)} ${unit}` : `-inf ${unit}`);

export function analyzeCommand(): Command {
  return new Command("analyze")
    .description("measure an audio file: duration, peak, true peak, RMS, loudness (EBU R128), loudness range, clipping")
    .argument("<file>", "the audio to measure (.wav, .mp3 or .flac)")
    .option("--json", "print JSON (levels of silence are null)")
    .option("--peaks <count>", "also give this many waveform peaks (JSON only)", (v) => Number(v), 0)
    .action(async (file: string, opts: { json?: boolean; peaks: number }) => {
      const bar = progressBar("analyze");
      let analysis: AudioAnalysis;
      try {
        const source = await openAudioFile(file);
        const info = source.info;
        const gathered = new BlockGatherer(info.channels, info.frames);
        for await (const block of source.blocks) {
          gathered.add(block);
          bar.update(0.4 * source.fraction(), "decoding");
        }
        const audio = gathered.audio(info.sampleRate);
        analysis = analyzeAudio(audio, { peakCount: opts.peaks > 0 ? opts.peaks : 1, onProgress: (f) => bar.update(0.4 + 0.6 * f, "measuring") });
        if (opts.json) {
          const { peaks, ...rest } = toJsonSafe(analysis);
          console.log(JSON.stringify({ file, codec: info.codec, bitDepth: info.bitDepth, ...rest, ...(opts.peaks > 0 ? { peaks } : {}) }, null, 2));
          return;
        }
      } finally {
        bar.stop();
      }
      const rows: [string, string][] = [
        ["file", file],
        ["duration", `${analysis.durationSec.toFixed(3)} s`],
        ["format", `${analysis.sampleRate} Hz, ${analysis.channels} channel${analysis.channels === 1 ? "" : "s"}`],
        ["peak", db(analysis.peakDbfs, "dBFS")],
        ["true peak", db(analysis.truePeakDbtp, "dBTP")],
        ["RMS", db(analysis.rmsDbfs, "dBFS")],
        ["integrated loudness", db(analysis.integratedLufs, "LUFS")],
        ["loudness range", Number.isFinite(analysis.loudnessRangeLu) ? `${analysis.loudnessRangeLu.toFixed(1)} LU` : "n/a"],
        ["clipped samples", String(analysis.clippedSamples)],
      ];
      const width = Math.max(...rows.map(([k]) => k.length));
      for (const [key, value] of rows) console.log(`${key.padEnd(width)}  ${value}`);
    });
}
