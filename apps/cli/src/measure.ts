// The heavy half of `analyze`, loaded only when it runs. It imports the measuring entry of the
// engine only: a cold start that loaded the effects and encoders too would cost more than the
// measuring of a song.
import { createAudioAnalyzer, measureStreamLoudness, toJsonSafe, type AudioAnalysis, type StreamLoudness } from "@mini-studio/audio/measure";
import { openAudioFile, openFileChunks } from "./audio-files";
import { progressBar } from "./progress";

const db = (value: number, unit: string) => (Number.isFinite(value) ? `${value.toFixed(1)} ${unit}` : `-inf ${unit}`);

export type MeasureOptions = { json?: boolean; peaks: number; loudness?: boolean };

export async function measure(file: string, opts: MeasureOptions): Promise<void> {
  if (opts.loudness) return measureLoudnessOnly(file, opts);
  const bar = await progressBar("analyze");
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
  printRows([
    ["file", file],
    ["duration", `${analysis.durationSec.toFixed(3)} s`],
    ["format", `${analysis.sampleRate} Hz, ${analysis.channels} channel${analysis.channels === 1 ? "" : "s"}`],
    ["peak", db(analysis.peakDbfs, "dBFS")],
    ["true peak", db(analysis.truePeakDbtp, "dBTP")],
    ["RMS", db(analysis.rmsDbfs, "dBFS")],
    ["integrated loudness", db(analysis.integratedLufs, "LUFS")],
    ["loudness range", rangeLu(analysis.loudnessRangeLu)],
    ["clipped samples", String(analysis.clippedSamples)],
  ]);
}

/**
 * `analyze --loudness`: what a loudness meter reports (ffmpeg's ebur128 filter, for one): the
 * integrated loudness and the loudness range with the gates that decided them, and nothing the
 * full analysis adds (peaks, true peak, RMS, clipping), so a WAV is never even decoded to float.
 */
async function measureLoudnessOnly(file: string, opts: MeasureOptions): Promise<void> {
  const bar = await progressBar("analyze");
  let result: StreamLoudness;
  try {
    const source = await openFileChunks(file);
    const chunks = (async function* () {
      for await (const chunk of source.chunks) {
        yield chunk;
        bar.update(source.fraction(), "measuring");
      }
    })();
    result = await measureStreamLoudness(chunks, { format: source.format, byteLength: source.size });
  } finally {
    bar.stop();
  }
  const { info, frames, loudness } = result;
  if (opts.json) {
    const durationSec = frames / info.sampleRate;
    console.log(JSON.stringify({ file, codec: info.codec, sampleRate: info.sampleRate, channels: info.channels, durationSec, ...toJsonSafe(loudness) }, null, 2));
    return;
  }
  printRows([
    ["file", file],
    ["integrated loudness", db(loudness.integratedLufs, "LUFS")],
    ["  threshold", db(loudness.integratedThresholdLufs, "LUFS")],
    ["loudness range", rangeLu(loudness.loudnessRangeLu)],
    ["  threshold", db(loudness.rangeThresholdLufs, "LUFS")],
    ["  low", db(loudness.rangeLowLufs, "LUFS")],
    ["  high", db(loudness.rangeHighLufs, "LUFS")],
    ["momentary max", db(loudness.momentaryMaxLufs, "LUFS")],
    ["short-term max", db(loudness.shortTermMaxLufs, "LUFS")],
  ]);
}

function rangeLu(lu: number): string {
  return Number.isFinite(lu) ? `${lu.toFixed(1)} LU` : "n/a";
}

function printRows(rows: [string, string][]): void {
  const width = Math.max(...rows.map(([k]) => k.length));
  for (const [key, value] of rows) console.log(`${key.padEnd(width)}  ${value}`);
}
