import { mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openSpillFile } from "./audio-files";

describe("openSpillFile", () => {
  let scratch: string;
  let savedTmpdir: string | undefined;
  beforeEach(() => {
    savedTmpdir = process.env.TMPDIR;
    scratch = mkdtempSync(join(tmpdir(), "studio-spill-"));
    process.env.TMPDIR = scratch;
  });
  afterEach(() => {
    if (savedTmpdir === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = savedTmpdir;
    rmSync(scratch, { recursive: true, force: true });
  });

  it("never opens a file or a link already under the name it would take, and leaves nothing behind", () => {
    // What another user of the temporary directory could have planted under this process's names.
    const victim = join(scratch, "victim.txt");
    writeFileSync(victim, "keep me");
    symlinkSync(victim, join(scratch, `mini-studio-${process.pid}-1.spill`));
    writeFileSync(join(scratch, `mini-studio-${process.pid}-2.spill`), "someone else's");
    const before = readdirSync(scratch).sort();

    const spill = openSpillFile();
    expect(spill).not.toBeNull();
    const bytes = Uint8Array.from({ length: 100_000 }, (_, i) => (i * 31) & 255);
    spill!.write(bytes);
    spill!.write(bytes.subarray(0, 10));
    const back = new Uint8Array(bytes.length);
    expect(spill!.read(back, 0)).toBe(bytes.length);
    expect(back).toEqual(bytes);
    expect(spill!.read(new Uint8Array(20), bytes.length)).toBe(10);
    // Unlinked while open: the directory already holds only what was there before.
    expect(readdirSync(scratch).sort()).toEqual(before);
    spill!.close();

    expect(readFileSync(victim, "utf8")).toBe("keep me");
    expect(readFileSync(join(scratch, `mini-studio-${process.pid}-2.spill`), "utf8")).toBe("someone else's");
    expect(readdirSync(scratch).sort()).toEqual(before);
  });

  it("gives null where the temporary directory cannot take a file", () => {
    process.env.TMPDIR = join(scratch, "missing");
    expect(openSpillFile()).toBeNull();
  });
});
