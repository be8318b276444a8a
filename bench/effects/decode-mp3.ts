/**
 * The studio side of the MP3 decode benchmark, run as its own process by run.ts:
 *   node --import tsx bench/effects/decode-mp3.ts <file.mp3>
 * Decodes the whole file with the studio's decoder and prints what came out, as JSON.
 */
import { readFileSync } from "node:fs";
import { decodeAudio } from "@mini-studio/audio";

const path = process.argv[2];
if (!path) {
  console.error("usage: decode-mp3.ts <file.mp3>");
  process.exit(2);
}
const audio = await decodeAudio(readFileSync(path), "mp3");
console.log(JSON.stringify({ sampleRate: audio.sampleRate, channels: audio.channels.length, frames: audio.channels[0]?.length ?? 0 }));
