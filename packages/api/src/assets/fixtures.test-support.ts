// Real files of every accepted format, made by the tests themselves (WAV, MIDI and ZIP bytes by
// hand; MP3, FLAC and images by Debian's ffmpeg, the same tool a user's export would come from).
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { encodeWav, sineTone } from "@mini-studio/audio";

export function wavBytes(seconds: number, opts: { sampleRate?: number; channels?: number; freq?: number } = {}): Buffer {
  const { sampleRate = 44_100, channels = 2, freq = 440 } = opts;
  return Buffer.from(encodeWav(sineTone({ seconds, freqHz: freq, sampleRate, channels })));
}

/** A format-0 MIDI file: 120 bpm, 4/4, a C major arpeggio with a lyric per note. */
export function midiBytes(): Buffer {
  const vlq = (n: number) => {
    const bytes = [n & 0x7f];
    while ((n >>= 7)) bytes.unshift((n & 0x7f) | 0x80);
    return bytes;
  };
  const events: number[] = [
    ...[0, 0xff, 0x51, 3, 0x07, 0xa1, 0x20], // tempo 500000 µs per beat
    ...[0, 0xff, 0x58, 4, 4, 2, 24, 8], // 4/4
  ];
  const lyrics = ["la", "li", "lo", "lu"];
  [60, 64, 67, 72].forEach((note, i) => {
    const text = Buffer.from(lyrics[i]!);
    events.push(0, 0xff, 0x05, text.length, ...text, 0, 0x90, note, 100, ...vlq(480), 0x80, note, 0);
  });
  events.push(0, 0xff, 0x2f, 0);
  const header = Buffer.from([0x4d, 0x54, 0x68, 0x64, 0, 0, 0, 6, 0, 0, 0, 1, 0x01, 0xe0]);
  const track = Buffer.alloc(8);
  track.write("MTrk", 0);
  track.writeUInt32BE(events.length, 4);
  return Buffer.concat([header, track, Buffer.from(events)]);
}

/** The local file header of a ZIP archive with one stored file. */
export function zipBytes(): Buffer {
  return Buffer.concat([Buffer.from("PK\u0003\u0004", "latin1"), Buffer.alloc(26), Buffer.from("hello.txt"), Buffer.from("hello")]);
}

function ffmpeg(args: string[], out: string): Buffer {
  execFileSync("ffmpeg", ["-hide_banner", "-loglevel", "error", "-y", ...args, out]);
  return readFileSync(out);
}

export type Fixtures = Record<"wav" | "mp3" | "flac" | "mid" | "png" | "jpg" | "webp", Buffer>;

export function makeFixtures(): Fixtures {
  const dir = mkdtempSync(join(tmpdir(), "mini-studio-fixtures-"));
  const sine = ["-f", "lavfi", "-i", "sine=frequency=440:duration=2:sample_rate=44100"];
  const picture = ["-f", "lavfi", "-i", "testsrc=size=320x200:rate=1", "-frames:v", "1"];
  return {
    wav: wavBytes(2),
    mp3: ffmpeg([...sine, "-ac", "2", "-b:a", "128k"], join(dir, "a.mp3")),
    flac: ffmpeg([...sine, "-ac", "2"], join(dir, "a.flac")),
    mid: midiBytes(),
    png: ffmpeg(picture, join(dir, "a.png")),
    jpg: ffmpeg(picture, join(dir, "a.jpg")),
    webp: ffmpeg(picture, join(dir, "a.webp")),
  };
}

/** An 8000×8000 1-bit PNG: about 8 KB on disk, 64 megapixels (over the 40 MP cap) decoded. */
export function decompressionBomb(): Buffer {
  const dir = mkdtempSync(join(tmpdir(), "mini-studio-bomb-"));
  return ffmpeg(["-f", "lavfi", "-i", "color=black:size=8000x8000:rate=1", "-frames:v", "1", "-pix_fmt", "monob"], join(dir, "bomb.png"));
}
