/** A written word and its letters folded to lower-case ASCII, with where each letter came from. */
export type Spelling = {
  /** The word as written (case, accents and apostrophes kept): syllable texts are slices of it. */
  written: string;
  /** Lower-case a–z only: what the letter-to-sound rules read. */
  letters: string;
  /** Lower-case a–z and apostrophes: the dictionary key ("don't", "rock'n'roll"). */
  key: string;
  /** at[k] = index in `written` of the character letter k came from; at[letters.length] = written.length. */
  at: number[];
};

// Latin letters that Unicode decomposition does not reduce to ASCII.
const LATIN_SPECIAL: Record<string, string> = {
  ß: "ss", æ: "ae", œ: "oe", ø: "o", đ: "d", ð: "d", þ: "th", ł: "l", ı: "i", ŋ: "ng", ħ: "h", ŧ: "t", ſ: "s", ĸ: "k",
};

// A plain romanisation of Cyrillic and Greek (close to BGN/PCGN), enough to give a sung approximation.
const TRANSLIT: Record<string, string> = {
  а: "a", б: "b", в: "v", г: "g", д: "d", е: "e", ё: "yo", ж: "zh", з: "z", и: "i", й: "y", к: "k", л: "l", м: "m",
  н: "n", о: "o", п: "p", р: "r", с: "s", т: "t", у: "u", ф: "f", х: "kh", ц: "ts", ч: "ch", ш: "sh", щ: "shch",
  ъ: "", ы: "y", ь: "", э: "e", ю: "yu", я: "ya", і: "i", ї: "yi", є: "ye", ґ: "g", ў: "u", ј: "j", љ: "lj", њ: "nj",
  ћ: "c", ђ: "dj", џ: "dzh",
  α: "a", β: "v", γ: "g", δ: "d", ε: "e", ζ: "z", η: "i", θ: "th", ι: "i", κ: "k", λ: "l", μ: "m", ν: "n", ξ: "x",
  ο: "o", π: "p", ρ: "r", σ: "s", ς: "s", τ: "t", υ: "i", φ: "f", χ: "kh", ψ: "ps", ω: "o",
};

const ASCII_LETTER = /^[a-z]$/;
const LETTER = /\p{L}/u;
const MARKS = /\p{M}/gu;

/** One character to lower-case ASCII letters; "" for what is not a letter. */
function foldChar(ch: string): string {
  const lower = ch.toLowerCase();
  if (ASCII_LETTER.test(lower)) return lower;
  const special = LATIN_SPECIAL[lower];
  if (special !== undefined) return special;
  // NFKD splits "é" into "e" + accent and ligatures such as "ﬁ" into "fi".
  let out = "";
  for (const part of lower.normalize("NFKD").replace(MARKS, "")) {
    if (ASCII_LETTER.test(part)) out += part;
    else if (LATIN_SPECIAL[part] !== undefined) out += LATIN_SPECIAL[part];
    else if (TRANSLIT[part] !== undefined) out += TRANSLIT[part];
    // A letter of a script without a table still gets a vowel, so the word is sung rather than lost.
    else if (LETTER.test(part)) out += "a";
  }
  return out;
}

export function foldSpelling(written: string): Spelling {
  let letters = "";
  let key = "";
  const at: number[] = [];
  let pos = 0;
  for (const ch of written) {
    if (ch === "'") {
      key += "'";
    } else {
      const folded = foldChar(ch);
      for (const c of folded) {
        letters += c;
        key += c;
        at.push(pos);
      }
    }
    pos += ch.length;
  }
  at.push(written.length);
  return { written, letters, key, at };
}
