// The heavy half of `sing`, loaded only when it runs.
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { encodeWav } from "@mini-studio/audio";
import { getConfig } from "@mini-studio/config";
import { ensureDefaultVoice, loadVoice, sing, type ScaleName } from "@mini-studio/synth";
import { createOutputFile } from "./audio-files";
import { progressBar } from "./progress";

export type SingCommandOptions = { lyrics: string; midi?: string; track?: string; bpm: number; key: string; scale: string; seed: number; voice: string };

/** `--lyrics` is a file when a file of that name exists, else the lyrics themselves. */
async function lyricsOf(value: string): Promise<string> {
  const isFile = await stat(value).then(
    (s) => s.isFile(),
    () => false,
  );
  return isFile ? readFile(value, "utf8") : value;
}

export async function singToFile(out: string, opts: SingCommandOptions): Promise<void> {
  if (!out.toLowerCase().endsWith(".wav")) throw new Error(`${out}: \`sing\` writes a .wav file.`);
  const voicesDir = join(getConfig().storageDir, "voices");
  const bar = await progressBar("sing");
  try {
    bar.update(0, "loading the voice");
    if (opts.voice === "default") await ensureDefaultVoice(voicesDir);
    const voice = await loadVoice(voicesDir, opts.voice);
    try {
      const midi = opts.midi ? new Uint8Array(await readFile(opts.midi)) : undefined;
      const track = opts.track === undefined ? undefined : /^\d+$/.test(opts.track) ? Number(opts.track) : opts.track;
      const result = await sing({
        lyrics: await lyricsOf(opts.lyrics),
        voice,
        ...(midi ? { midi } : {}),
        ...(track === undefined ? {} : { midiTrack: track }),
        bpm: opts.bpm,
        key: opts.key,
        scale: opts.scale as ScaleName,
        seed: opts.seed,
        onProgress: (f) => bar.update(0.05 + 0.9 * f, "singing"),
      });
      const file = await createOutputFile(out);
      try {
        await file.write(encodeWav(result.audio, { bitDepth: 24 }));
        await file.commit();
      } catch (error) {
        await file.discard();
        throw error;
      }
      bar.update(1, "done");
    } finally {
      await voice.release();
    }
  } finally {
    bar.stop();
  }
}
