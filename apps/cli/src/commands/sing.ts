import { Command, InvalidArgumentError } from "commander";
import type { SingCommandOptions } from "../sing";

function bpm(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 30 || n > 300) throw new InvalidArgumentError("a tempo from 30 to 300 beats per minute.");
  return n;
}

function seed(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new InvalidArgumentError("a whole number.");
  return n;
}

export function singCommand(): Command {
  return new Command("sing")
    .description("sing lyrics with a voice, to a MIDI melody or to one the studio writes")
    .argument("<out>", "the WAV file to write (44.1 kHz); written only when everything succeeded")
    .requiredOption("--lyrics <text|file>", "the lyrics, or a text file holding them ([Chorus] headers, `hel-lo` splits syllables, `love+` holds over the next note)")
    .option("--midi <file>", "a MIDI file to sing (its tempo map is used; --bpm, --key and --scale are then ignored)")
    .option("--track <name|index>", "which MIDI track to sing (default: the one with the most notes)")
    .option("--bpm <bpm>", "tempo of a written melody", bpm, 120)
    .option("--key <key>", "key of a written melody: C, F#, Bb, ...", "C")
    .option("--scale <scale>", "scale of a written melody: major, minor, dorian, mixolydian, pentatonic, ...", "major")
    .option("--seed <n>", "a written melody is the same for the same seed", seed, 1)
    .option("--voice <name>", "a voicebank in STORAGE_DIR/voices, or the built-in `default`", "default")
    .action(async (out: string, opts: SingCommandOptions) => (await import("../sing")).singToFile(out, opts));
}
