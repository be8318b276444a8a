import { parseMpegHeader } from "../mp3/mpeg-header";

/**
 * The Xing "Info" frame with its LAME extension, put in front of a CBR stream so that decoders
 * (mpg123, ffmpeg, browsers) drop the encoder delay and the final padding and give back exactly
 * the samples that went in. lamejs can write this frame itself only into a seekable file, which
 * its Mp3Encoder API never does, so we write it here.
 *
 * Layout: "Xing/Info tag" (Gabriel Bouvigne's VBR header, as LAME writes it) and "LAME tag rev 1"
 * (the Mp3 Info Tag specification, gabriel.mp3-tech.org/mp3infotag.html); the same fields as
 * lamejs's own VbrTag.getLameTagFrame.
 */

// LAME's ENCDELAY: what it records as the delay. Decoders add their own 529 (528 + 1).
const ENCODER_DELAY = 576;
// What lamejs identifies as: LAME 3.98.4, whose "very short version" is exactly these 9 bytes.
const ENCODER_VERSION = "LAME3.98r";
// Header of the Xing part (tag, flags, frames, bytes, 100-byte TOC, quality) plus the LAME part.
const XING_BYTES = 4 + 4 + 4 + 4 + 100 + 4;
const LAME_BYTES = 36;
// Xing flags: frames, bytes, TOC and quality fields present.
const XING_FLAGS = 0x0f;
// LAME's "quality" field, 100 - 10·VBR_q - quality, for lamejs's fixed VBR_q 4 and quality 3.
const QUALITY = 100 - 10 * 4 - 3;

// CRC-16/ARC (polynomial 0x8005, reflected), the CRC LAME uses for both tag checksums.
const CRC_TABLE = (() => {
  const table = new Uint16Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xa001 : c >>> 1;
    table[n] = c;
  }
  return table;
})();

function crc16(bytes: Uint8Array, start: number, end: number, crc = 0): number {
  for (let i = start; i < end; i++) crc = (crc >>> 8) ^ CRC_TABLE[(crc ^ bytes[i]!) & 0xff]!;
  return crc;
}

const KBPS_V1 = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320];
const KBPS_V2 = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160];

/**
 * `stream`: whole CBR Layer III frames as lamejs wrote them (no CRC, no ID3), `samples`: the
 * number of frames per channel that went in. Returns a new array: Info frame, then the stream.
 */
export function withLameTag(stream: Uint8Array, samples: number): Uint8Array {
  const first = parseMpegHeader(stream, 0);
  if (!first || first.layer !== 3 || (stream[1]! & 1) === 0) throw new Error("lamejs did not write an unprotected Layer III frame first.");
  let frameCount = 0;
  for (let p = 0; p < stream.length; frameCount++) {
    const header = parseMpegHeader(stream, p);
    if (!header) throw new Error(`lamejs wrote something that is not an MPEG frame at byte ${p}.`);
    p += header.frameBytes;
  }

  const mpeg1 = ((stream[1]! >> 3) & 3) === 3;
  const mono = stream[3]! >> 6 === 3;
  const padding = frameCount * (mpeg1 ? 1152 : 576) - ENCODER_DELAY - samples;
  if (padding < 0 || padding > 0xfff) throw new Error(`lamejs's stream does not match its input (padding ${padding}).`);

  // The Info frame uses the stream's bitrate when the tag fits in it, else the next that fits
  // (decoders take a different bitrate frame to frame; LAME's VBR headers do the same).
  const sideInfo = mpeg1 ? (mono ? 17 : 32) : mono ? 9 : 17;
  const needed = 4 + sideInfo + XING_BYTES + LAME_BYTES;
  const kbpsTable = mpeg1 ? KBPS_V1 : KBPS_V2;
  const frameBytesAt = (index: number) => Math.floor(((mpeg1 ? 144 : 72) * kbpsTable[index]! * 1000) / first.sampleRate);
  let bitrateIndex = stream[2]! >> 4;
  while (bitrateIndex < 14 && frameBytesAt(bitrateIndex) < needed) bitrateIndex++;
  const tagBytes = frameBytesAt(bitrateIndex);

  const out = new Uint8Array(tagBytes + stream.length);
  out.set(stream, tagBytes);
  out[0] = 0xff;
  out[1] = stream[1]!;
  out[2] = (bitrateIndex << 4) | (stream[2]! & 0x0d); // same rate index and private bit, no padding slot
  out[3] = stream[3]!;

  const view = new DataView(out.buffer);
  let p = 4 + sideInfo; // the side info stays zero: a frame of silence to a decoder that ignores the tag
  const ascii = (text: string) => {
    for (let i = 0; i < text.length; i++) out[p++] = text.charCodeAt(i);
  };
  ascii("Info"); // "Info" rather than "Xing" marks a CBR stream
  view.setUint32(p, XING_FLAGS);
  view.setUint32(p + 4, frameCount);
  view.setUint32(p + 8, out.length);
  p += 12;
  for (let i = 0; i < 100; i++) out[p + i] = Math.floor((256 * i) / 100); // CBR: byte position grows linearly with time
  p += 100;
  view.setUint32(p, QUALITY);
  p += 4;

  ascii(ENCODER_VERSION);
  out[p++] = 0x01; // tag revision 0, VBR method 1: constant bitrate
  p += 1 + 4 + 2 + 2 + 1; // lowpass, peak, radio and audiophile ReplayGain, encoding flags: unknown, left 0
  out[p++] = Math.min(255, kbpsTable[stream[2]! >> 4]!);
  out[p++] = ENCODER_DELAY >> 4;
  out[p++] = ((ENCODER_DELAY & 0x0f) << 4) | (padding >> 8);
  out[p++] = padding & 0xff;
  const sourceRate = first.sampleRate <= 32000 ? 0 : first.sampleRate === 44100 ? 1 : 2;
  out[p++] = ((mono ? 0 : 1) << 2) | (sourceRate << 6); // stereo mode (lamejs: plain stereo) and source rate
  p += 1 + 2; // MP3Gain, preset and surround: none
  view.setUint32(p, out.length);
  view.setUint16(p + 4, crc16(out, tagBytes, out.length));
  p += 6;
  view.setUint16(p, crc16(out, 0, p));
  return out;
}
