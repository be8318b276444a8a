// Section names of song structure, as lyric sites write them in headers.
const SECTION_NAME = String.raw`(?:intro|verse|pre-?chorus|chorus|post-?chorus|bridge|hook|refrain|outro|interlude|breakdown|instrumental|solo|coda|tag|ending|vamp|middle\s?8)`;
// "(Chorus)", "(Verse 2)", "Chorus:", "Verse II:", "(Chorus x2)": a name and at most a number.
const NAMED = new RegExp(String.raw`^${SECTION_NAME}(?:\s*(?:\d+|[ivx]+|x\s?\d+|\d+\s?x))?$`, "i");

const BRACKETED = /^\[([^[\]]*)\]/;
const PARENTHESISED = /^\(([^()]*)\)$/;

function clean(name: string): string {
  return name.replace(/\s+/g, " ").trim();
}

export type Header = { section: string; rest: string };

/**
 * A section header at the start of a trimmed line: `[anything]` (the rest of the line, if any, is
 * still sung), or a whole line `(Chorus)` / `Chorus:` with a known section name, so that a sung
 * "(ooh baby)" stays a lyric. Null when the line has no header.
 */
export function parseHeader(line: string): Header | null {
  const bracket = BRACKETED.exec(line);
  if (bracket) {
    const section = clean(bracket[1] ?? "");
    if (section !== "") return { section, rest: line.slice(bracket[0].length) };
  }
  const paren = PARENTHESISED.exec(line);
  const candidate = paren ? clean(paren[1] ?? "") : line.endsWith(":") ? clean(line.slice(0, -1)) : null;
  if (candidate !== null && NAMED.test(candidate.replace(/:$/, ""))) return { section: candidate.replace(/:$/, ""), rest: "" };
  return null;
}
