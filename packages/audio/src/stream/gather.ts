import { type AudioBuffer } from "../types";
import { prefaultInBackground } from "./prefault";

/** A gathered signal at least this large is mapped in on another thread while it fills. */
const PREFAULT_BYTES = 16 << 20;

/**
 * Planar channels of `frames` each in one SharedArrayBuffer, which another thread can fill or read.
 * A large one is mapped in on another thread while the caller starts writing it.
 */
export function sharedPlanar(channelCount: number, frames: number): { buffer: SharedArrayBuffer; channels: Float32Array[] } {
  const buffer = new SharedArrayBuffer(channelCount * frames * 4);
  if (buffer.byteLength >= PREFAULT_BYTES) prefaultInBackground(buffer);
  return { buffer, channels: planarViews(buffer, channelCount, frames) };
}

/** The channels laid out by `sharedPlanar`, as seen from any thread that holds the buffer. */
export function planarViews(buffer: SharedArrayBuffer, channelCount: number, frames: number): Float32Array[] {
  return Array.from({ length: channelCount }, (_, ch) => new Float32Array(buffer, ch * frames * 4, frames));
}

/**
 * Collects decoded blocks into one planar buffer: allocated once when the length is declared
 * (the stream verifies it), otherwise grown by doubling.
 */
export class BlockGatherer {
  private channels: Float32Array[];
  private length = 0;

  constructor(channelCount: number, declaredFrames: number | null, guessFrames = 1 << 20) {
    const frames = declaredFrames ?? guessFrames;
    if (declaredFrames !== null && channelCount * frames * 4 >= PREFAULT_BYTES) {
      // Known length, large: one shared buffer for all channels, mapped in beside the decoding.
      this.channels = sharedPlanar(channelCount, frames).channels;
      return;
    }
    this.channels = Array.from({ length: channelCount }, () => new Float32Array(frames));
  }

  add(block: Float32Array[], frames = block[0]?.length ?? 0): void {
    const capacity = this.channels[0]?.length ?? 0;
    if (this.length + frames > capacity) {
      const grown = Math.max(capacity * 2, this.length + frames);
      this.channels = this.channels.map((old) => {
        const next = new Float32Array(grown);
        next.set(old.subarray(0, this.length));
        return next;
      });
    }
    for (let ch = 0; ch < this.channels.length; ch++) this.channels[ch]!.set(block[ch]!.subarray(0, frames), this.length);
    this.length += frames;
  }

  audio(sampleRate: number): AudioBuffer {
    const exact = this.length === (this.channels[0]?.length ?? 0);
    return { sampleRate, channels: exact ? this.channels : this.channels.map((c) => c.slice(0, this.length)) };
  }
}
