export type ProgressReporter = {
  /** `fraction` in [0, 1]; `stage` names what is happening now. */
  update(fraction: number, stage?: string): void;
  stop(): void;
};

/**
 * A progress bar for long work. On a terminal it redraws in place; in a pipe or CI
 * log it prints a line at each 10% step, so logs stay short but still show progress.
 * The terminal bar's library loads only for a terminal: a command in a script starts faster.
 */
export async function progressBar(label: string, stream: NodeJS.WriteStream = process.stderr): Promise<ProgressReporter> {
  if (!stream.isTTY) {
    let lastDecile = -1;
    return {
      update(fraction, stage) {
        const decile = Math.floor(clamp01(fraction) * 10);
        if (decile === lastDecile) return;
        lastDecile = decile;
        stream.write(`${label}: ${decile * 10}%${stage ? ` (${stage})` : ""}\n`);
      },
      stop() {},
    };
  }
  const { SingleBar } = await import("cli-progress");
  const bar = new SingleBar({
    format: `${label} [{bar}] {percentage}% {stage}`,
    stream,
    hideCursor: true,
    clearOnComplete: false,
  });
  bar.start(100, 0, { stage: "" });
  return {
    update(fraction, stage) {
      bar.update(Math.round(clamp01(fraction) * 100), { stage: stage ?? "" });
    },
    stop() {
      bar.stop();
    },
  };
}

function clamp01(value: number): number {
  return Number.isFinite(value) ? Math.min(1, Math.max(0, value)) : 0;
}
