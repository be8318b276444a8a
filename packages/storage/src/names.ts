import { UploadError } from "./errors";
import { describeExtensions, formatOfExtension, type FileFormat, type UploadKind } from "./kinds";

const MAX_NAME_BYTES = 255;
const ARTICLE: Record<UploadKind, string> = { audio: "An", midi: "A", image: "An" };
/** Percent-encoding nested deeper than this is not a file name a person chose. */
const MAX_DECODE_ROUNDS = 8;
// C0/C1 controls (NUL included), plus the bidi overrides and line separators that make a
// name display differently from what it is ("x\u202Evaw.php" shows as "xphp.wav").
const CONTROL = /[\p{Cc}\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/u;

/** Decodes every well-formed run of %XX escapes; a stray "%" ("100% mix.wav") stays as it is. */
function percentDecodeOnce(value: string): string {
  return value.replace(/(?:%[0-9a-f]{2})+/gi, (run) => {
    try {
      return decodeURIComponent(run);
    } catch {
      return run;
    }
  });
}

function percentDecode(value: string): string {
  let current = value;
  for (let round = 0; round < MAX_DECODE_ROUNDS; round++) {
    const next = percentDecodeOnce(current);
    if (next === current) return current;
    current = next;
  }
  throw new UploadError("VALIDATION_ERROR", "The file name is percent-encoded too many times; send the plain name.");
}

/**
 * Checks the name a client gave an upload. The name is display text only and never becomes a
 * path, but it is still decoded the way an attacker would hope something downstream decodes it,
 * so that "..%2f..%2fx.wav" and "x%00.wav" are seen for what they are.
 * The extension that counts is the last one: "x.wav.php" is a .php file.
 */
export function checkUploadName(kind: UploadKind, rawName: string): { name: string; ext: string; format: FileFormat } {
  const name = percentDecode(rawName).normalize("NFC").trim();
  if (name === "") {
    throw new UploadError("VALIDATION_ERROR", "The file has no name; send it with a file name such as song.wav.");
  }
  if (Buffer.byteLength(name, "utf8") > MAX_NAME_BYTES) {
    throw new UploadError("VALIDATION_ERROR", `The file name is too long; at most ${MAX_NAME_BYTES} bytes (UTF-8) are accepted.`, {
      maxBytes: MAX_NAME_BYTES,
    });
  }
  if (name.includes("/") || name.includes("\\")) {
    throw new UploadError("VALIDATION_ERROR", "The file name must not contain / or \\; send the name alone, without folders.");
  }
  if (CONTROL.test(name)) {
    throw new UploadError("VALIDATION_ERROR", "The file name contains control characters (such as NUL); send a plain name.");
  }

  const dot = name.lastIndexOf(".");
  const ext = dot === -1 ? "" : name.slice(dot + 1).toLowerCase();
  const format = ext === "" ? undefined : formatOfExtension(kind, ext);
  if (!format) {
    const found = ext === "" ? "no extension" : `.${ext}`;
    throw new UploadError("UNSUPPORTED_TYPE", `${ARTICLE[kind]} ${kind === "midi" ? "MIDI" : kind} upload must be one of ${describeExtensions(kind)}; this file has ${found}.`, {
      ext: ext === "" ? null : ext,
      accepted: describeExtensions(kind),
    });
  }
  return { name, ext, format };
}
