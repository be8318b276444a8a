import { describe, expect, it } from "vitest";
import { decodeAudio } from "../decode";
import { AudioDecodeError } from "../errors";
import { zeroCrossingHz } from "../test-support";
import { sineTone } from "../wav/wav-encoder";
import { audioFormatFromPath, encodeAudio, type EncodeOptions } from "./encode-audio";
import { encodeFormatFromPath } from "./encode-format";
import { AudioEncodeError } from "./encode-error";

const tone = sineTone({ seconds: 0.5, freqHz: 440, amplitude: 0.5, sampleRate: 44_100 });

function errorOf(run: () => unknown): Error {
  try {
    run();
  } catch (e) {
    return e as Error;
  }
  throw new Error("expected a throw");
}

describe("encodeAudio", () => {
  it("writes 24-bit WAV that decodes to the same samples", async () => {
    const bytes = encodeAudio(tone, { format: "wav", bitDepth: 24 });
    expect(new TextDecoder().decode(bytes.subarray(0, 4))).toBe("RIFF");
    expect(new DataView(bytes.buffer).getUint16(34, true)).toBe(24);
    const out = await decodeAudio(bytes, "wav");
    for (let i = 0; i < tone.channels[0]!.length; i += 101) expect(Math.abs(out.channels[1]![i]! - tone.channels[1]![i]!)).toBeLessThanOrEqual(2 ** -23);
  });

  it("writes 16-bit WAV by default", () => {
    const bytes = encodeAudio(tone, { format: "wav" });
    expect(new DataView(bytes.buffer).getUint16(34, true)).toBe(16);
  });

  it("writes MP3 at the asked bitrate that decodes to the same tone and length", async () => {
    const bytes = encodeAudio(tone, { format: "mp3", bitrateKbps: 128 });
    expect([bytes[0], bytes[1], bytes[2]! >> 4]).toEqual([0xff, 0xfb, 9]); // bitrate index 9 = 128 kbit/s
    const out = await decodeAudio(bytes, "mp3");
    expect(out.channels[0]!.length).toBe(tone.channels[0]!.length);
    expect(zeroCrossingHz(out.channels[0]!.subarray(5000), 44_100)).toBeCloseTo(440, 0);
  });

  it.each<[string, EncodeOptions, RegExp]>([
    ["a bitrate for WAV", { format: "wav", bitrateKbps: 192 }, /bitrate applies to MP3 only/],
    ["a bit depth for MP3", { format: "mp3", bitDepth: 24 }, /bit depth applies to WAV only/],
    ["an 8-bit WAV", { format: "wav", bitDepth: 8 as 16 }, /16, 24 or 32.*not 8/],
  ])("refuses %s instead of ignoring it", (_, opts, message) => {
    const error = errorOf(() => encodeAudio(tone, opts));
    expect(error).toBeInstanceOf(AudioEncodeError);
    expect((error as AudioEncodeError).code).toBe("INVALID_OPTIONS");
    expect(error.message).toMatch(message);
  });

  it("refuses FLAC output, saying it is not supported", () => {
    const error = errorOf(() => encodeAudio(tone, { format: "flac" as "wav" }));
    expect((error as AudioEncodeError).code).toBe("UNSUPPORTED_FORMAT");
    expect(error.message).toMatch(/Writing FLAC is not supported/);
  });
});

describe("formats from file names", () => {
  it.each([
    ["take-1.wav", "wav"],
    ["/mixes/Take 1.WAV", "wav"],
    ["C:\\audio\\song.wave", "wav"],
    ["song.v2.mp3", "mp3"],
    ["master.flac", "flac"],
  ])("reads %s as %s", (path, format) => {
    expect(audioFormatFromPath(path)).toBe(format);
  });

  it.each(["notes.ogg", "noext", "/dir.v1/noext", ".wav"])("refuses to guess the input format of %s", (path) => {
    const error = errorOf(() => audioFormatFromPath(path));
    expect(error).toBeInstanceOf(AudioDecodeError);
    expect((error as AudioDecodeError).code).toBe("UNSUPPORTED_TYPE");
    expect(error.message).toMatch(/use \.wav, \.mp3 or \.flac/);
  });

  it("writes .wav and .mp3", () => {
    expect(encodeFormatFromPath("out/MIX.Mp3")).toBe("mp3");
    expect(encodeFormatFromPath("out/mix.wav")).toBe("wav");
  });

  it("says FLAC cannot be written, and what can", () => {
    const error = errorOf(() => encodeFormatFromPath("out/mix.flac"));
    expect(error).toBeInstanceOf(AudioEncodeError);
    expect((error as AudioEncodeError).code).toBe("UNSUPPORTED_FORMAT");
    expect(error.message).toMatch(/Writing FLAC is not supported.*\.wav.*\.mp3/);
    expect(errorOf(() => encodeFormatFromPath("out/mix.ogg")).message).toMatch(/Cannot write audio as \.ogg: the studio writes \.wav or \.mp3/);
  });
});
