import fs, { createWriteStream } from "node:fs";
import { rm } from "node:fs/promises";
import { Readable, Transform, type TransformCallback } from "node:stream";
import { finished, pipeline } from "node:stream/promises";
import type { ReadableStream as NodeWebReadableStream } from "node:stream/web";
import busboy from "busboy";
import { tempPathIn } from "./driver";
import { UploadError } from "./errors";
import type { FileFormat, UploadKind } from "./kinds";
import { checkUploadName } from "./names";
import { HEAD_BYTES } from "./sniff";

export type StagedUpload<T = never> = {
  /** The received bytes, in the staging directory under a random name. */
  tempPath: string;
  /** The client's file name, checked and NFC-normalised: display text only. */
  name: string;
  /** Lower case, without the dot. */
  ext: string;
  /** The format the extension promises; the caller checks the bytes agree (assertFormatMatches). */
  format: FileFormat;
  size: number;
  /** The first bytes of the file (up to 64), for sniffing. */
  head: Uint8Array;
  /** What `inspect` made of the bytes (or how it failed), when an inspector was given. */
  inspection: PromiseSettledResult<T> | undefined;
  /** Removes the staged file; safe to call more than once, and after putFile moved it. */
  discard(): Promise<void>;
};

/** What the intake tells an inspector as the staged file is written. */
export type StagingWatcher = {
  /** `bytes` more are on disk. */
  appended(bytes: number): void;
  /** The file is complete. */
  finished(): void;
  /** The upload failed or was refused: the file will not be completed. */
  abandoned(): void;
};

/**
 * Reads the file while it lands on disk, so a full parse costs no second pass over the file and
 * nothing on the path the bytes take to disk. It gets the format the extension promises and the
 * staged file's path (which may not exist until the first bytes are appended), and gives back a
 * watcher for the intake to keep informed, with the inspection's result. The caller still checks
 * the magic bytes (`head`) before trusting what the inspector concluded.
 */
export type Inspector<T> = (format: FileFormat, path: string) => { watcher: StagingWatcher; result: Promise<T> };

/**
 * What an upload is read from: a web `Request`, or Node's own request (its headers as `Headers`,
 * its body the IncomingMessage itself), which spares the body a conversion to a web stream.
 */
export type UploadRequest = { headers: Headers; body: ReadableStream<Uint8Array> | Readable | null };

/** The body as a Node stream, and how to stop reading it once the upload is refused. */
function bodySource(body: ReadableStream<Uint8Array> | Readable): { source: Readable; stop(): void } {
  if (body instanceof Readable) {
    // Node's request is drained, not destroyed: destroying it would cut the connection before
    // the client is told why (413 and the like).
    return { source: body, stop: () => void body.unpipe().resume() };
  }
  const source = Readable.fromWeb(body as unknown as NodeWebReadableStream<Uint8Array>);
  return { source, stop: () => source.destroy() };
}

/** Gives up on a body that won't be read at all. */
async function ignoreBody(body: UploadRequest["body"]): Promise<void> {
  if (body instanceof Readable) body.resume();
  else await body?.cancel().catch(() => undefined);
}

export type ReceiveOptions<T = never> = { kind: UploadKind; maxBytes: number; stagingDir: string; inspect?: Inspector<T> };

/** Room for the multipart boundaries, part headers and a few small fields around the file. */
const MULTIPART_OVERHEAD = 64 * 1024;
const FIELD = "file";
const ONE_FILE = `Send exactly one file, in the \`${FIELD}\` field.`;

function megabytes(bytes: number): string {
  return `${Math.round((bytes / (1024 * 1024)) * 100) / 100} MB`;
}

function interrupted(cause?: unknown): UploadError {
  return new UploadError("VALIDATION_ERROR", "The upload was interrupted before it finished.", undefined, cause ? { cause } : undefined);
}

function tooLarge(maxBytes: number): UploadError {
  return new UploadError("TOO_LARGE", `The file is larger than the ${megabytes(maxBytes)} limit.`, { maxBytes });
}

/** Counts bytes and keeps the first HEAD_BYTES while they stream past. */
class HeadTap extends Transform {
  size = 0;
  private readonly headBuffer = Buffer.alloc(HEAD_BYTES);

  get head(): Uint8Array {
    return this.headBuffer.subarray(0, Math.min(this.size, HEAD_BYTES));
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (this.size < HEAD_BYTES) chunk.copy(this.headBuffer, this.size, 0, HEAD_BYTES - this.size);
    this.size += chunk.length;
    callback(null, chunk);
  }
}

type WriteCallback = (error: NodeJS.ErrnoException | null, written: number) => void;

/** The file system for the staged file's write stream: Node's own, telling `watcher` of each completed write. */
function reportingFs(watcher: StagingWatcher) {
  const report = (callback: WriteCallback): WriteCallback => (error, written) => {
    if (!error) watcher.appended(written);
    callback(error, written);
  };
  return {
    open: fs.open,
    close: fs.close,
    write: (fd: number, buffer: Buffer, offset: number, length: number, position: number | null, callback: WriteCallback) =>
      fs.write(fd, buffer, offset, length, position, report(callback)),
    writev: (fd: number, buffers: Buffer[], position: number | null, callback: WriteCallback) =>
      fs.writev(fd, buffers, position, report(callback)),
  };
}

/**
 * Streams the single file of a multipart/form-data request into the staging directory,
 * enforcing the size limit while it streams. The file name is checked before a byte is written.
 * On any failure (bad form, bad name, too large, empty, client gone) the staged file is removed
 * and an UploadError is thrown; a disk error is rethrown as it is.
 */
export async function receiveUpload<T = never>(request: UploadRequest, opts: ReceiveOptions<T>): Promise<StagedUpload<T>> {
  const { kind, maxBytes, stagingDir } = opts;
  const contentLength = Number(request.headers.get("content-length") ?? Number.NaN);
  if (contentLength > maxBytes + MULTIPART_OVERHEAD) {
    await ignoreBody(request.body);
    throw tooLarge(maxBytes);
  }
  const contentType = request.headers.get("content-type") ?? "";
  if (!/^multipart\/form-data\s*;/i.test(contentType) || !request.body) {
    await ignoreBody(request.body);
    throw new UploadError("VALIDATION_ERROR", `Send the upload as multipart/form-data. ${ONE_FILE}`, {
      contentType: contentType || null,
    });
  }

  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: { "content-type": contentType },
      // Keep "../x.wav" whole so checkUploadName refuses it rather than busboy quietly trimming it.
      preservePath: true,
      // Browsers send file names as raw UTF-8; busboy's default would read them as Latin-1.
      defParamCharset: "utf8",
      // busboy flags a file as over the limit when it *reaches* fileSize, hence the +1.
      limits: { files: 1, fileSize: maxBytes + 1, fields: 20, fieldSize: 64 * 1024, parts: 30, headerPairs: 100 },
    });
  } catch (error) {
    await ignoreBody(request.body);
    throw new UploadError("VALIDATION_ERROR", "The multipart/form-data body has no usable boundary.", undefined, { cause: error });
  }

  const { source, stop } = bodySource(request.body);
  let tempPath: string | undefined;
  let writing: Promise<void> | undefined;
  let watcher: StagingWatcher | undefined;
  let inspecting: Promise<PromiseSettledResult<T>> | undefined;

  const received = new Promise<{ size: number; head: Uint8Array; name: string; ext: string; format: FileFormat }>(
    (resolvePromise, rejectPromise) => {
      let failed = false;
      let file: { name: string; ext: string; format: FileFormat } | undefined;
      let tap: HeadTap | undefined;
      let parsed = false;

      // The source erroring means the client went away (or the body broke) mid-upload. Otherwise
      // a system error is the disk's, the server's problem, and passes through as it is; anything
      // else is busboy finding the multipart body malformed or cut short.
      const bodyError = (error: unknown): unknown => {
        if (source.errored) return interrupted(error);
        if (error instanceof Error && "syscall" in error) return error;
        return new UploadError("VALIDATION_ERROR", "The multipart/form-data body is malformed or cut short.", undefined, {
          cause: error,
        });
      };

      const fail = (error: unknown): void => {
        if (failed) return;
        failed = true;
        watcher?.abandoned();
        rejectPromise(error);
        // Deferred: busboy emits its events mid-parse and touches its state after they return.
        queueMicrotask(() => {
          stop();
          parser.destroy();
        });
      };

      const finish = (): void => {
        if (failed || !parsed) return;
        if (!file || !tap || !writing) return fail(new UploadError("VALIDATION_ERROR", `No file was sent. ${ONE_FILE}`));
        const staged = file;
        const counted = tap;
        writing.then(
          () => {
            const { size, head } = counted;
            if (size === 0) return fail(new UploadError("CORRUPT_FILE", "The file is empty."));
            watcher?.finished();
            resolvePromise({ ...staged, size, head });
          },
          (error: unknown) => fail(bodyError(error)),
        );
      };

      parser.on("file", (field, stream, info) => {
        // Destroying the parser errors the file stream too; the write pipeline reports that, so mute it here.
        stream.on("error", () => undefined);
        if (failed) return void stream.resume();
        if (field !== FIELD) {
          stream.resume();
          return fail(new UploadError("VALIDATION_ERROR", `The file came in the \`${field}\` field. ${ONE_FILE}`, { field }));
        }
        try {
          file = checkUploadName(kind, info.filename ?? "");
        } catch (error) {
          stream.resume();
          return fail(error);
        }
        stream.on("limit", () => fail(tooLarge(maxBytes)));
        tempPath = tempPathIn(stagingDir, ".upload");
        if (opts.inspect) {
          const inspection = opts.inspect(file.format, tempPath);
          watcher = inspection.watcher;
          inspecting = Promise.allSettled([inspection.result]).then(([settled]) => settled!);
        }
        tap = new HeadTap();
        const fsForWrites = watcher ? reportingFs(watcher) : undefined;
        writing = pipeline(stream, tap, createWriteStream(tempPath, { flags: "wx", fs: fsForWrites }));
        writing.catch((error: unknown) => fail(bodyError(error)));
      });
      parser.on("filesLimit", () => fail(new UploadError("VALIDATION_ERROR", `More than one file was sent. ${ONE_FILE}`)));
      parser.on("fieldsLimit", () => fail(new UploadError("VALIDATION_ERROR", "The form has too many fields.")));
      parser.on("partsLimit", () => fail(new UploadError("VALIDATION_ERROR", "The form has too many parts.")));

      // Piped rather than joined in a pipeline, which would destroy the source on a refusal.
      source.on("error", (error) => fail(bodyError(error)));
      // A connection that drops can close Node's request without an error: the body never ends.
      source.on("close", () => {
        if (!source.readableEnded) fail(interrupted());
      });
      source.pipe(parser);
      finished(parser).then(
        () => {
          parsed = true;
          finish();
        },
        (error: unknown) => fail(bodyError(error)),
      );
    },
  );

  try {
    const result = await received;
    const path = tempPath as string;
    let discarded: Promise<void> | undefined;
    return {
      tempPath: path,
      ...result,
      inspection: await inspecting,
      discard: () => (discarded ??= rm(path, { force: true })),
    };
  } catch (error) {
    // Let the file writer close before unlinking, so a late open cannot recreate the file.
    await writing?.catch(() => undefined);
    if (tempPath) await rm(tempPath, { force: true });
    throw error;
  }
}
