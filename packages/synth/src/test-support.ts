import { expect } from "vitest";
import { SynthError } from "./errors";

/** Runs `run` and expects it to throw a SynthError with this code and a message matching `message`. */
export function expectSynthError(run: () => unknown, code: string, message: RegExp): void {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(SynthError);
    expect((error as SynthError).code).toBe(code);
    expect((error as SynthError).message).toMatch(message);
    return;
  }
  throw new Error("expected a SynthError");
}
