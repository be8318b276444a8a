import { describe, expect, it } from "vitest";
import { AudioDecodeError } from "../errors";
import { inspectAudio } from "../inspect";
import { encodeWav, sineTone } from "../wav/wav-encoder";
import { inspectAudioOffThread } from "./inspect-off-thread";

async function* chunked(bytes: Uint8Array, size = 64 * 1024): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

describe("inspectAudioOffThread", () => {
  it("gives the same answer as inspecting on the calling thread", async () => {
    const wav = encodeWav(sineTone({ seconds: 12, freqHz: 220 }));
    const [here, there] = await Promise.all([
      inspectAudio(chunked(wav), { format: "wav" }),
      inspectAudioOffThread(chunked(wav), { format: "wav" }),
    ]);
    expect(there).toEqual(here);
    expect(there.durationSec).toBeCloseTo(12, 5);
  });

  it("inspects several files at once and keeps their answers apart", async () => {
    const lengths = [1, 3, 2, 5];
    const infos = await Promise.all(lengths.map((s) => inspectAudioOffThread(chunked(encodeWav(sineTone({ seconds: s })), 10_000), { format: "wav" })));
    expect(infos.map((i) => i.durationSec)).toEqual(lengths);
  });

  it("refuses a damaged file with the decoder's own error code and message", async () => {
    const wav = encodeWav(sineTone({ seconds: 2 }));
    const error = await inspectAudioOffThread(chunked(wav.subarray(0, wav.length - 1000)), { format: "wav" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AudioDecodeError);
    expect((error as AudioDecodeError).code).toBe("CORRUPT_FILE");
    expect((error as AudioDecodeError).message).toMatch(/ends early/);
  });

  it("stops reading as soon as the header says the audio is too long", async () => {
    const wav = encodeWav(sineTone({ seconds: 60 })); // 10 MB
    let read = 0;
    async function* counting() {
      for await (const chunk of chunked(wav)) {
        read += chunk.length;
        yield chunk;
      }
    }
    const error = await inspectAudioOffThread(counting(), { format: "wav", maxSeconds: 1 }).catch((e: unknown) => e);
    expect((error as AudioDecodeError).code).toBe("TOO_LONG");
    expect(read).toBeLessThan(wav.length / 2);
  });

  it("passes on an error of the source and stays usable afterwards", async () => {
    async function* broken() {
      yield new Uint8Array(100);
      throw new Error("client went away");
    }
    await expect(inspectAudioOffThread(broken(), { format: "wav" })).rejects.toThrow("client went away");
    const info = await inspectAudioOffThread(chunked(encodeWav(sineTone({ seconds: 1 }))), { format: "wav" });
    expect(info.durationSec).toBe(1);
  });
});
