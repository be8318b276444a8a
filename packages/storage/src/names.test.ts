import { describe, expect, it } from "vitest";
import { UploadError } from "./errors";
import { checkUploadName } from "./names";

function refusal(fn: () => unknown): { code?: string; message?: string } {
  try {
    fn();
  } catch (error) {
    return error as { code: string; message: string };
  }
  throw new Error("expected a refusal");
}

describe("checkUploadName", () => {
  it.each([
    ["../../x.wav", "VALIDATION_ERROR"],
    ["..%2f..%2fx.wav", "VALIDATION_ERROR"],
    ["..%252f..%252fx.wav", "VALIDATION_ERROR"], // encoded twice
    ["..\\..\\x.wav", "VALIDATION_ERROR"],
    ["..%5cx.wav", "VALIDATION_ERROR"],
    ["x%00.wav", "VALIDATION_ERROR"],
    ["x\u0000.wav", "VALIDATION_ERROR"],
    ["x\n.wav", "VALIDATION_ERROR"],
    ["x%0d%0a.wav", "VALIDATION_ERROR"],
    ["x\u202evaw.php", "VALIDATION_ERROR"], // right-to-left override: displays as "xphp.wav"
    ["", "VALIDATION_ERROR"],
    ["   ", "VALIDATION_ERROR"],
    [`${"a".repeat(296)}.wav`, "VALIDATION_ERROR"], // 300 characters
    [`${"é".repeat(126)}.wav`, "VALIDATION_ERROR"], // 130 characters but 256 bytes
    ["x.wav.php", "UNSUPPORTED_TYPE"],
    ["x.php", "UNSUPPORTED_TYPE"],
    ["noextension", "UNSUPPORTED_TYPE"],
    ["x.", "UNSUPPORTED_TYPE"],
    ["x.wav%00.php", "VALIDATION_ERROR"],
    ["x.mid", "UNSUPPORTED_TYPE"], // a MIDI extension on the audio route
  ])("refuses %j with %s", (name, code) => {
    expect(refusal(() => checkUploadName("audio", name)).code).toBe(code);
  });

  it("says what is wrong and what is accepted", () => {
    const error = refusal(() => checkUploadName("audio", "x.wav.php"));
    // The API recognises domain errors by name and code.
    expect(error).toBeInstanceOf(UploadError);
    expect(error).toMatchObject({ name: "UploadError", code: "UNSUPPORTED_TYPE", details: { ext: "php" } });
    expect(error.message).toContain(".php");
    expect(error.message).toContain(".wav, .mp3, .flac");
    expect(refusal(() => checkUploadName("image", "x")).message).toMatch(/An image upload must be one of \.png, \.jpg, \.jpeg, \.webp; this file has no extension/);
    expect(refusal(() => checkUploadName("audio", "a/b.wav")).message).toMatch(/without folders/);
    expect(refusal(() => checkUploadName("audio", "a".repeat(300))).message).toMatch(/255 bytes/);
  });

  it("takes the last extension, case-insensitively", () => {
    expect(checkUploadName("audio", "x.php.wav")).toEqual({ name: "x.php.wav", ext: "wav", format: "wav" });
    expect(checkUploadName("audio", "X.WAV")).toEqual({ name: "X.WAV", ext: "wav", format: "wav" });
    expect(checkUploadName("audio", "take 2.FLAC").format).toBe("flac");
    expect(checkUploadName("midi", "song.midi")).toMatchObject({ ext: "midi", format: "midi" });
    expect(checkUploadName("midi", "song.MID")).toMatchObject({ ext: "mid", format: "midi" });
    expect(checkUploadName("image", "cover.jpg")).toMatchObject({ ext: "jpg", format: "jpeg" });
    expect(checkUploadName("image", "cover.jpeg")).toMatchObject({ ext: "jpeg", format: "jpeg" });
    expect(checkUploadName("image", "cover.webp")).toMatchObject({ ext: "webp", format: "webp" });
  });

  it("keeps Unicode names, NFC-normalised", () => {
    expect(checkUploadName("audio", "Chanson d'été – démo.wav").name).toBe("Chanson d'été – démo.wav");
    expect(checkUploadName("audio", "歌.mp3")).toEqual({ name: "歌.mp3", ext: "mp3", format: "mp3" });
    const decomposed = "e\u0301te\u0301.wav"; // "été" as e + combining acute
    expect(checkUploadName("audio", decomposed).name).toBe("\u00e9t\u00e9.wav");
    expect(checkUploadName("audio", `${"a".repeat(251)}.wav`).name).toHaveLength(255);
  });

  it("decodes percent-escapes but keeps a stray percent sign", () => {
    expect(checkUploadName("audio", "my%20song.wav").name).toBe("my song.wav");
    expect(checkUploadName("audio", "100% mix.wav").name).toBe("100% mix.wav");
    expect(checkUploadName("audio", "%E6%AD%8C.wav").name).toBe("歌.wav");
  });
});
