import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { finished } from "node:stream/promises";

import pino, { type DestinationStream, type Logger, type StreamEntry } from "pino";
import pretty from "pino-pretty";
import { createStream, type RotatingFileStream } from "rotating-file-stream";

import { getConfig, type Config } from "./env";
import { redact, serializeError } from "./redact";

export { type Logger } from "pino";

export type LogName = "api" | "tasks" | "worker";

export type CreateLoggerOptions = {
  config?: Config;
  level?: string;
  extraStreams?: NodeJS.WritableStream[];
  /** rotating-file-stream size, e.g. "5M" (the default) */
  maxSize?: string;
  /** backups kept: `api.log.1` … `api.log.<maxFiles>` (default 5) */
  maxFiles?: number;
};

// Same policy as the Python RotatingFileHandler this replaces (maxBytes=5 MB, backupCount=5).
const DEFAULT_MAX_SIZE = "5M";
const DEFAULT_MAX_FILES = 5;

type LoggerState = { loggers: Map<LogName, Logger>; files: Set<LogFile>; console?: DestinationStream };

// On globalThis so that Next's dev HMR, which re-evaluates this module, reuses
// the open loggers instead of opening every file a second time.
const STATE_KEY = Symbol.for("@mini-studio/config/logger");
const state: LoggerState = ((globalThis as Record<symbol, unknown>)[STATE_KEY] as LoggerState | undefined) ??
  ((globalThis as Record<symbol, unknown>)[STATE_KEY] = { loggers: new Map(), files: new Set() } satisfies LoggerState);

/**
 * One rotating log file. It opens lazily and reopens after close(), so a logger
 * keeps working after flushLoggers() and only the file handle is released.
 * rotating-file-stream builds synchronously and writes on the main thread:
 * no pino transport worker, which a Next.js server bundle cannot load.
 */
class LogFile implements DestinationStream {
  private stream: RotatingFileStream | undefined;
  private reported = false;

  constructor(
    private readonly dir: string,
    private readonly fileName: string,
    private readonly size: string,
    private readonly backups: number,
  ) {}

  write(line: string): void {
    if (!this.stream || this.stream.destroyed) this.stream = this.open();
    this.stream.write(line);
  }

  async close(): Promise<void> {
    const stream = this.stream;
    this.stream = undefined;
    state.files.delete(this);
    if (!stream || stream.destroyed) return;
    stream.end();
    await finished(stream).catch(() => undefined);
  }

  private open(): RotatingFileStream {
    mkdirSync(this.dir, { recursive: true });
    // `rotate` selects classic numbering: on rotation api.log.4 -> .5, …, api.log -> .1,
    // and the old .5 is overwritten, so at most `backups` old files ever exist.
    const stream = createStream(this.fileName, { path: this.dir, size: this.size as "5M", rotate: this.backups });
    // Logging must never take the process down (an unhandled 'error' would);
    // say so once on stderr instead.
    stream.on("error", (err: Error) => {
      if (this.reported) return;
      this.reported = true;
      process.stderr.write(`[logger] cannot write ${join(this.dir, this.fileName)}: ${err.message}\n`);
    });
    state.files.add(this);
    return stream;
  }
}

function devConsole(): DestinationStream {
  state.console ??= pretty({
    colorize: true,
    sync: true,
    ignore: "pid,hostname",
    translateTime: "SYS:HH:MM:ss.l",
  });
  return state.console;
}

/** A new logger writing to `<logDir>/<name>.log` (tests use this; the app uses getLogger). */
export function createLogger(name: LogName, opts: CreateLoggerOptions = {}): Logger {
  const config = opts.config ?? getConfig();
  const maxFiles = opts.maxFiles ?? DEFAULT_MAX_FILES;
  if (!Number.isInteger(maxFiles) || maxFiles < 1) throw new Error(`maxFiles must be a positive integer (got ${maxFiles})`);
  mkdirSync(config.logDir, { recursive: true });

  const file = new LogFile(config.logDir, `${name}.log`, opts.maxSize ?? DEFAULT_MAX_SIZE, maxFiles);
  // Every stream takes every level; the logger's own level does the filtering.
  const streams: StreamEntry[] = [{ level: "trace", stream: file }];
  for (const stream of opts.extraStreams ?? []) streams.push({ level: "trace", stream });
  if (config.nodeEnv === "development") streams.push({ level: "trace", stream: devConsole() });

  const logger = pino(
    {
      name,
      level: opts.level ?? config.logLevel,
      timestamp: pino.stdTimeFunctions.isoTime,
      serializers: { err: serializeError, error: serializeError },
      formatters: {
        level: (label) => ({ level: label }),
        // pino's path-based `redact` only reaches fixed depths; secrets hide anywhere.
        bindings: (bindings) => redact(bindings),
        log: (object) => redact(object),
      },
    },
    pino.multistream(streams),
  );
  redactChildBindings(logger);
  return logger;
}

/**
 * pino skips formatters.bindings for child loggers, so `log.child({ token })`
 * would bypass redaction. Children are created with Object.create(parent), so
 * wrapping `child` on the root covers every descendant.
 */
function redactChildBindings(logger: Logger): void {
  const child = logger.child;
  logger.child = function (this: Logger, bindings, options) {
    return child.call(this, redact(bindings), options);
  } as Logger["child"];
}

/** The process's logger for `name`, created on first use. */
export function getLogger(name: LogName): Logger {
  let logger = state.loggers.get(name);
  if (!logger) {
    logger = createLogger(name);
    state.loggers.set(name, logger);
  }
  return logger;
}

/**
 * Writes out everything logged so far and closes the log files (tests, shutdown).
 * Loggers stay usable: their next line reopens the file.
 */
export async function flushLoggers(): Promise<void> {
  await Promise.all([...state.files].map((file) => file.close()));
}
