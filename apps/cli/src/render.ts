// The heavy half of `fx` and `convert`, loaded only when one of them runs.
import {
  BlockGatherer,
  encodeFormatFromPath,
  renderEffectChain,
  resolveEffectChain,
  WAV_HEADER_BYTES,
  WavBlockEncoder,
  wavHeader,
  type Effect,
  type SpillStore,
  type WavBitDepth,
} from "@mini-studio/audio/rendering";
import { InvalidArgumentError } from "commander";
import { createOutputFile, openAudioFile, openSpillFile, type OpenedAudioFile } from "./audio-files";
import { progressBar, type ProgressReporter } from "./progress";

export type OutputOptions = { bitDepth?: WavBitDepth; bitrate?: number };
type Output = Awaited<ReturnType<typeof createOutputFile>>;

function sameDepthOr24(depth: number | null): WavBitDepth {
  return depth === 16 || depth === 24 || depth === 32 ? depth : 24;
}

/** WAV is written block by block as the chain produces it; the header is completed at the end. */
async function renderWav(source: OpenedAudioFile, chain: Effect[], out: Output, depth: WavBitDepth, bar: ProgressReporter, spill: SpillStore | undefined): Promise<void> {
  const encoder = new WavBlockEncoder(depth);
  await out.write(new Uint8Array(WAV_HEADER_BYTES));
  let channels = source.info.channels;
  const frames = await renderEffectChain(
    source,
    chain,
    async (block, start, end) => {
      channels = block.length;
      await out.write(encoder.encode(block, start, end));
    },
    { onProgress: (f) => bar.update(f, "processing"), sourceFraction: source.fraction, spill },
  );
  await out.write(wavHeader({ sampleRate: source.info.sampleRate, channels, bitDepth: depth, frames }), 0);
}

/** MP3 is encoded from the whole result, so that its header can carry the exact length. */
async function renderMp3(source: OpenedAudioFile, chain: Effect[], out: Output, bitrateKbps: number | undefined, bar: ProgressReporter, spill: SpillStore | undefined): Promise<void> {
  let gathered: BlockGatherer | undefined;
  await renderEffectChain(
    source,
    chain,
    (block, start, end) => {
      gathered ??= new BlockGatherer(block.length, null);
      gathered.add(block.map((c) => c.subarray(start, end)));
    },
    { onProgress: (f) => bar.update(0.5 * f, "processing"), sourceFraction: source.fraction, spill },
  );
  const audio = gathered!.audio(source.info.sampleRate);
  // Loaded here, and from its own entry: WAV output, the common case, never loads the MP3 encoder.
  const { encodeAudio } = await import("@mini-studio/audio/encode");
  await out.write(encodeAudio(audio, { format: "mp3", bitrateKbps, onProgress: (f) => bar.update(0.5 + 0.5 * f, "encoding") }));
}

/** Decodes `input`, runs `chain` (possibly empty) and writes `output`, whose extension picks the format. */
export async function render(input: string, output: string, chain: Effect[] | string, opts: OutputOptions, label: string): Promise<void> {
  // Checked first: a bad output name, option or chain is refused before any audio is read.
  const format = encodeFormatFromPath(output);
  if (format === "wav" && opts.bitrate !== undefined) throw new InvalidArgumentError("--bitrate is for .mp3 output; WAV takes --bit-depth.");
  if (format === "mp3" && opts.bitDepth !== undefined) throw new InvalidArgumentError("--bit-depth is for .wav output; MP3 takes --bitrate.");
  const effects = typeof chain === "string" ? resolveEffectChain(chain) : chain;
  const source = await openAudioFile(input);
  const out = await createOutputFile(output);
  const bar = await progressBar(label);
  // A chain ending in a peak normalize parks its result here rather than in memory.
  const spill = openSpillFile() ?? undefined;
  try {
    if (format === "wav") await renderWav(source, effects, out, opts.bitDepth ?? sameDepthOr24(source.info.bitDepth), bar, spill);
    else await renderMp3(source, effects, out, opts.bitrate, bar, spill);
    await out.commit();
    bar.update(1, "done");
  } catch (error) {
    await out.discard();
    throw error;
  } finally {
    spill?.close();
    bar.stop();
  }
}

