import { open, rename, rm } from "node:fs/promises";
import { audioFormatFromPath, openAudioStream, type AudioStream } from "@mini-studio/audio";

/** Read buffers per file, reused: fresh memory is what a long file would otherwise cost most. */
const READ_BYTES = 1 << 20;

export type OpenedAudioFile = AudioStream & {
  /** How much of the file has been read, 0..1. */
  fraction(): number;
};

/**
 * Opens an audio file for decoding block by block. The decoders copy whatever they keep of a
 * chunk before asking for the next, so the file is read through two reused buffers. Errors name the file.
 */
export async function openAudioFile(path: string): Promise<OpenedAudioFile> {
  const format = withPath(path, () => audioFormatFromPath(path));
  const file = await open(path, "r").catch((error: unknown) => {
    throw withPathError(path, error);
  });
  const { size } = await file.stat();
  let read = 0;
  // Two buffers: the next read runs while the decoder and the effects work on the last one.
  async function* chunks(): AsyncGenerator<Uint8Array> {
    const buffers = [new Uint8Array(READ_BYTES), new Uint8Array(READ_BYTES)];
    let turn = 0;
    let pending = file.read(buffers[0]!, 0, READ_BYTES, null);
    try {
      for (;;) {
        const { bytesRead } = await pending;
        if (bytesRead === 0) return;
        read += bytesRead;
        const current = buffers[turn]!;
        turn ^= 1;
        pending = file.read(buffers[turn]!, 0, READ_BYTES, null);
        yield current.subarray(0, bytesRead);
      }
    } finally {
      // A consumer that stops early leaves a read in flight: let it land before closing.
      await pending.catch(() => undefined);
      await file.close();
    }
  }
  try {
    const stream = await openAudioStream(chunks(), { format, byteLength: size });
    return { ...stream, blocks: rethrowWithPath(path, stream.blocks), fraction: () => (size === 0 ? 1 : read / size) };
  } catch (error) {
    await file.close().catch(() => undefined);
    throw withPathError(path, error);
  }
}

async function* rethrowWithPath<T>(path: string, items: AsyncIterable<T>): AsyncGenerator<T> {
  try {
    yield* items;
  } catch (error) {
    throw withPathError(path, error);
  }
}

function withPath<T>(path: string, run: () => T): T {
  try {
    return run();
  } catch (error) {
    throw withPathError(path, error);
  }
}

function withPathError(path: string, error: unknown): Error {
  if ((error as { code?: string }).code === "ENOENT") return new Error(`${path}: no such file.`, { cause: error });
  if (error instanceof Error && !error.message.includes(path)) return new Error(`${path}: ${error.message}`, { cause: error });
  return error instanceof Error ? error : new Error(String(error));
}

/**
 * A file written through a temporary name and renamed when complete, so that a failure (or
 * Ctrl-C) never leaves a half-written file under the real name.
 */
export async function createOutputFile(path: string) {
  const temp = `${path}.${process.pid}.partial`;
  const file = await open(temp, "w");
  let done = false;
  return {
    write: (bytes: Uint8Array, position?: number) => file.write(bytes, 0, bytes.length, position ?? null),
    async commit(): Promise<void> {
      await file.close();
      await rename(temp, path);
      done = true;
    },
    async discard(): Promise<void> {
      if (done) return;
      await file.close().catch(() => undefined);
      await rm(temp, { force: true });
    },
  };
}
