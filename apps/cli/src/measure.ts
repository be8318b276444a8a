// The heavy half of `analyze`, loaded only when it runs.
import { createAudioAnalyzer, toJsonSafe, type AudioAnalysis } from "@mini-studio/audio";
import { openAudioFile } from "./audio-files";
import { progressBar } from "./progress";

const db = (value: number, unit: string) => (Number.isFinite(value) ? `${value.toFixed(1)} ${unit}` : `-inf ${unit}`);

export type MeasureOptions = { json?: boolean; peaks: number };

export async function measure(file: string, opts: MeasureOptions): Promise<void> {
      const bar = progressBar("analyze");
      let analysis: AudioAnalysis;
      try {
        // Streamed: the file is measured as it is decoded and never held whole.
        const source = await openAudioFile(file);
        const { info } = source;
        const analyzer = createAudioAnalyzer({ sampleRate: info.sampleRate, channels: info.channels, peakCount: opts.peaks > 0 ? opts.peaks : 1 });
        for await (const block of source.blocks) {
          analyzer.add(block);
          bar.update(source.fraction(), "measuring");
        }
        analysis = analyzer.result();
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
    }
