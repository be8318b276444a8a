import { randomBytes } from "node:crypto";
import { createWriteStream, mkdirSync } from "node:fs";
import { copyFile, mkdir, open, readdir, rename, rm, stat, unlink } from "node:fs/promises";
import { dirname, join, resolve, sep } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { assertKey } from "./keys";

/**
 * Where stored bytes live, addressed by server-made keys ("uploads/audio/<id>.wav").
 *
 * Callers only ever hold keys, never paths, so an object-store driver (S3, UploadThing) can be
 * added behind this type without touching them: putFile/put upload the object (put through a
 * multipart upload, never a partial object under the key), get maps the range to a ranged GET,
 * stat to HEAD, delete to DELETE. Such a driver still stages uploads in a local directory,
 * because a file is validated (sniffed, parsed) before it is stored.
 */
export type StorageDriver = {
  /** Moves a finished local file under `key` atomically (local driver: rename within the same filesystem; object stores upload). */
  putFile(key: string, localPath: string): Promise<{ size: number }>;
  /** Streams bytes to `key` through a temporary file renamed into place, so a crash never leaves a half file under a real name. */
  put(key: string, body: NodeJS.ReadableStream | AsyncIterable<Uint8Array> | Uint8Array): Promise<{ size: number }>;
  /** A byte range is inclusive on both ends, like HTTP Range. The caller checks it against stat(). */
  get(key: string, range?: { start: number; end: number }): Promise<NodeJS.ReadableStream>;
  stat(key: string): Promise<{ size: number; modifiedAt: Date } | null>;
  /** Missing is fine. */
  delete(key: string): Promise<void>;
  /** A local directory on the same filesystem for staging uploads before they are validated. */
  stagingDir(): string;
};

const STAGING = ".staging";

/** A random name for a temporary file in the staging directory. */
export function tempPathIn(stagingDir: string, suffix = ".tmp"): string {
  return join(/*turbopackIgnore: true*/ stagingDir, `${randomBytes(12).toString("hex")}${suffix}`);
}

function isErrno(error: unknown, code: string): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === code;
}

/** Files under `rootDir`; uploads stage in `<rootDir>/.staging`, which no key can name. */
export function createLocalDriver(rootDir: string): StorageDriver {
  const root = resolve(rootDir);
  const staging = join(root, STAGING);
  mkdirSync(staging, { recursive: true });

  function pathOf(key: string): string {
    assertKey(key);
    const path = resolve(root, key);
    if (!path.startsWith(root + sep)) throw new Error(`Storage key ${JSON.stringify(key)} leaves the storage root`);
    return path;
  }

  async function moveInto(path: string, localPath: string): Promise<void> {
    await mkdir(dirname(path), { recursive: true });
    try {
      await rename(localPath, path);
    } catch (error) {
      if (!isErrno(error, "EXDEV")) throw error;
      // Another filesystem: copy next to the target first, so the final step is still a rename.
      const temp = `${path}.${randomBytes(6).toString("hex")}.tmp`;
      try {
        await copyFile(localPath, temp);
        await rename(temp, path);
      } finally {
        await rm(temp, { force: true });
      }
      await rm(localPath, { force: true });
    }
  }

  return {
    async putFile(key, localPath) {
      const path = pathOf(key);
      await moveInto(path, localPath);
      return { size: (await stat(path)).size };
    },

    async put(key, body) {
      const path = pathOf(key);
      const temp = tempPathIn(staging);
      const source = body instanceof Uint8Array ? Readable.from([body]) : body;
      try {
        // flush: fsync before the rename, so a power loss cannot leave an empty file under the key.
        await pipeline(source, createWriteStream(temp, { flags: "wx", flush: true }));
        const { size } = await stat(temp);
        await moveInto(path, temp);
        return { size };
      } catch (error) {
        await rm(temp, { force: true });
        throw error;
      }
    },

    async get(key, range) {
      const path = pathOf(key);
      if (range) {
        const { start, end } = range;
        if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start) {
          throw new RangeError(`Invalid byte range ${start}-${end}`);
        }
      }
      // Opening first makes a missing file reject here rather than error the stream later.
      const handle = await open(path, "r");
      return handle.createReadStream(range ? { start: range.start, end: range.end } : {});
    },

    async stat(key) {
      try {
        const info = await stat(pathOf(key));
        return info.isFile() ? { size: info.size, modifiedAt: info.mtime } : null;
      } catch (error) {
        if (isErrno(error, "ENOENT") || isErrno(error, "ENOTDIR")) return null;
        throw error;
      }
    },

    async delete(key) {
      try {
        await unlink(pathOf(key));
      } catch (error) {
        if (!isErrno(error, "ENOENT") && !isErrno(error, "ENOTDIR")) throw error;
      }
    },

    stagingDir: () => staging,
  };
}

/**
 * Removes staged files older than `olderThanMs`. Intake and put() clean up after themselves on
 * every error; this is for what a killed process (SIGKILL, power loss) left behind. Run it at startup.
 */
export async function sweepStaging(stagingDir: string, opts: { olderThanMs: number }): Promise<number> {
  const cutoff = Date.now() - opts.olderThanMs;
  let removed = 0;
  for (const name of await readdir(stagingDir)) {
    const path = join(stagingDir, name);
    const info = await stat(path).catch(() => null);
    if (info?.isFile() && info.mtimeMs < cutoff) {
      await rm(path, { force: true });
      removed++;
    }
  }
  return removed;
}
