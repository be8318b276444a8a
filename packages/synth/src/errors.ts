export type SynthErrorCode =
  | "INVALID_LYRICS"
  | "INVALID_MELODY"
  | "UNKNOWN_VOICE"
  | "BROKEN_VOICEBANK"
  | "UNKNOWN_PHONEME"
  | "INVALID_INPUT"
  | "MODEL_ERROR";

/** Every failure of the synthesis library: the code says what kind, the message is for the user. */
export class SynthError extends Error {
  override readonly name = "SynthError";
  readonly code: SynthErrorCode;
  readonly details?: Record<string, unknown>;

  constructor(code: SynthErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.code = code;
    if (details) this.details = details;
  }
}
