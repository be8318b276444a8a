import { createReadStream } from "node:fs";
import { rename, rm, stat, writeFile } from "node:fs/promises";
import { audioFormatFromPath, decodeAudioStream, type AudioBuffer, type AudioStreamInfo } from "@mini-studio/audio";

/** Decodes a whole file, reporting the fraction of its bytes read. Errors name the file. */
export async function readAudioFile(path: string, onProgress: (fraction: number) => void): Promise<{ audio: AudioBuffer; info: AudioStreamInfo }> {
  try {
    const format = audioFormatFromPath(path);
    const { size } = await stat(path);
    let read = 0;
    async function* counted(): AsyncGenerator<Uint8Array> {
      for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
        read += chunk.length;
        onProgress(read / size);
        yield chunk;
      }
    }
    return await decodeAudioStream(counted(), { format, byteLength: size });
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === "ENOENT") throw new Error(`${path}: no such file.`, { cause: error });
    if (error instanceof Error && !error.message.includes(path)) throw new Error(`${path}: ${error.message}`, { cause: error });
    throw error;
  }
}

/** Writes through a temporary name and renames, so a failure never leaves a half-written file. */
export async function writeFileAtomically(path: string, bytes: Uint8Array): Promise<void> {
  const temp = `${path}.${process.pid}.partial`;
  try {
    await writeFile(temp, bytes);
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
