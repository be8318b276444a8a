import { type Phoneme } from "../types";
import { foldSpelling } from "./fold";
import { ensureVowel, isVowel } from "./phonemes";

type Cond = (w: string, i: number, end: number) => boolean;
type Rule = { g: string; p: Phoneme[]; when: Cond | undefined };

const VOWEL_LETTERS = "aeiou";

/** A vowel letter here; "y" counts as one unless a vowel follows it ("yes", "kenya"). */
export function isVowelLetter(w: string, i: number): boolean {
  const c = w[i];
  if (c === undefined) return false;
  if (VOWEL_LETTERS.includes(c)) return true;
  if (c !== "y") return false;
  const next = w[i + 1];
  return next === undefined || !VOWEL_LETTERS.includes(next);
}

const atStart: Cond = (_w, i) => i === 0;
const atEnd: Cond = (w, _i, end) => end === w.length;
const notStart: Cond = (_w, i) => i > 0;
const beforeFront: Cond = (w, _i, end) => "eiy".includes(w[end] ?? "_");
const prevVowel: Cond = (w, i) => i > 0 && isVowelLetter(w, i - 1);
const prevConsonant: Cond = (w, i) => i > 0 && !isVowelLetter(w, i - 1);
// An r-controlled vowel: "ar" in "zorblax" but not in "arena" or "carry".
const rControlled: Cond = (w, _i, end) => !isVowelLetter(w, end) && w[end] !== "r";
const hasEarlierVowel: Cond = (w, i) => {
  for (let k = 0; k < i; k++) if (isVowelLetter(w, k)) return true;
  return false;
};
const both =
  (a: Cond, b: Cond): Cond =>
  (w, i, end) =>
    a(w, i, end) && b(w, i, end);

/*
 * Grapheme rules of English spelling, longest grapheme first, the first whose condition holds
 * wins. The correspondences follow the usual phonics tables (e.g. the NRL rules of Elovitz et
 * al., "Letter-to-Sound Rules for Automatic Translation of English Text to Phonetics", 1976),
 * much reduced: they only have to give a plausible, singable reading of words CMU lacks.
 */
const RULE_TABLE: [string, string, Cond?][] = [
  // a
  ["ation", "ey sh ah n"], ["augh", "ao"], ["air", "eh r"], ["aa", "aa"], ["ai", "ey"], ["ay", "ey"], ["au", "ao"], ["aw", "ao"], ["ae", "ey"],
  ["all", "ao l", (w, _i, end) => !isVowelLetter(w, end)],
  ["ar", "aa r", rControlled], ["a", "ah", atEnd], ["a", "ae"],
  // b
  ["b", "b"],
  // c
  ["cian", "sh ah n", notStart], ["cial", "sh ah l", notStart], ["cious", "sh ah s", notStart],
  ["cc", "k s", beforeFront], ["cc", "k"], ["ck", "k"], ["chr", "k r"], ["ch", "ch"], ["c", "s", beforeFront], ["c", "k"],
  // d
  ["dge", "jh"], ["d", "d"],
  // e
  ["eigh", "ey"], ["eau", "ow"], ["ear", "ih r", rControlled], ["eer", "ih r", rControlled],
  ["ee", "iy"], ["ea", "iy"], ["ei", "ey"], ["ey", "iy", atEnd], ["ey", "ey"], ["eu", "y uw"], ["ew", "uw"], ["eo", "iy ow"],
  ["er", "er", rControlled], ["e", "iy", atEnd], ["e", "eh"],
  // f
  ["f", "f"],
  // g
  ["gh", "g", atStart], ["gh", ""], ["gn", "n", atStart], ["gn", "n", atEnd], ["gu", "g", beforeFront],
  ["g", "jh", beforeFront], ["g", "g"],
  // h: sounded only before a vowel and not after a consonant ("khan", "ah")
  ["h", "hh", (w, i, end) => isVowelLetter(w, end) && (i === 0 || isVowelLetter(w, i - 1))], ["h", ""],
  // i
  ["igh", "ay"], ["ia", "iy ah"], ["io", "iy ow"], ["iu", "iy ah"], ["ie", "iy"], ["ii", "iy"],
  ["ir", "er", rControlled], ["i", "iy", atEnd], ["i", "ih"],
  // j, k
  ["j", "jh"], ["kn", "n", atStart], ["k", "k"],
  // l: a final consonant + "le" is a syllable of its own ("table", "zorble")
  ["le", "ah l", both(atEnd, prevConsonant)], ["l", "l"],
  // m, n
  ["mb", "m", atEnd], ["mn", "m", atEnd], ["m", "m"],
  ["ng", "n jh", beforeFront], ["ng", "ng"], ["nk", "ng k"], ["n", "n"],
  // o
  ["ough", "ao", (w, _i, end) => w[end] === "t"], ["ough", "ow"], ["oor", "ao r"], ["oa", "ow"], ["oe", "ow", atEnd],
  ["oi", "oy"], ["oy", "oy"], ["oo", "uw"], ["ou", "aw"], ["ow", "ow"], ["or", "ao r", rControlled],
  ["o", "ow", atEnd], ["o", "aa"],
  // p, q
  ["ph", "f"], ["ps", "s", atStart], ["pn", "n", atStart], ["p", "p"], ["qu", "k w"], ["q", "k"],
  // r: a final consonant + "re" is a syllable ("centre")
  ["re", "er", both(atEnd, prevConsonant)], ["rh", "r"], ["r", "r"],
  // s
  ["sion", "zh ah n", prevVowel], ["sion", "sh ah n", notStart], ["sch", "s k"], ["sh", "sh"], ["s", "s"],
  // t
  ["tion", "sh ah n", notStart], ["tial", "sh ah l", notStart], ["tious", "sh ah s", notStart], ["ture", "ch er", notStart],
  ["tch", "ch"], ["th", "th"], ["t", "t"],
  // u
  ["ue", "uw"], ["ui", "uw"], ["ua", "uw ah"], ["uu", "uw"], ["ur", "er", rControlled], ["u", "uw", atEnd], ["u", "ah"],
  // v, w, x
  ["v", "v"], ["wr", "r", atStart], ["wh", "w"], ["w", "w"], ["x", "z", atStart], ["x", "k s"],
  // y: a consonant before a vowel, "iy" at the end of a longer word ("happy"), "ay" in "fly"
  ["y", "y", (w, i) => !isVowelLetter(w, i)], ["y", "iy", both(atEnd, hasEarlierVowel)], ["y", "ay", atEnd], ["y", "ih"],
  // z
  ["z", "z"],
];

const RULES = new Map<string, Rule[]>();
for (const [g, p, when] of RULE_TABLE) {
  const first = g[0] ?? "";
  const list = RULES.get(first) ?? [];
  list.push({ g, p: p === "" ? [] : p.split(" "), when });
  RULES.set(first, list);
}
for (const list of RULES.values()) list.sort((a, b) => b.g.length - a.g.length);

// The sound of a doubled consonant letter ("ll", "pp") and of a letter left alone by the table.
const SINGLE: Record<string, Phoneme[]> = {
  b: ["b"], d: ["d"], f: ["f"], g: ["g"], k: ["k"], l: ["l"], m: ["m"], n: ["n"], p: ["p"], r: ["r"], s: ["s"], t: ["t"],
  v: ["v"], z: ["z"],
};

const LONG_VOWEL: Record<string, Phoneme> = { a: "ey", e: "iy", i: "ay", o: "ow", u: "uw", y: "ay" };
// Consonants that let a final "e" lengthen the vowel before them ("make", "zone", "cute").
const MAGIC_E_CONSONANTS = "bcdfgklmnprstvz";

/**
 * Where the final "e" is silent, and which vowel it lengthens ("magic e"): "kwixote" → o is long,
 * "zorble" keeps its "e" (the "-le" rule sounds it).
 */
function finalE(w: string): { silent: number; magic: number } {
  const n = w.length;
  const none = { silent: -1, magic: -1 };
  if (n < 3 || w[n - 1] !== "e" || isVowelLetter(w, n - 2)) return none;
  let earlierVowel = false;
  for (let k = 0; k < n - 2; k++) if (isVowelLetter(w, k)) earlierVowel = true;
  if (!earlierVowel) return none;
  // "-Cle" and "-Cre" are syllables, handled by their rules.
  if ((w[n - 2] === "l" || w[n - 2] === "r") && !isVowelLetter(w, n - 3) && w[n - 3] !== w[n - 2]) return none;
  const v = n - 3;
  const single = !isVowelLetter(w, v - 1) || (w[v - 1] === "u" && (w[v - 2] === "q" || w[v - 2] === "g"));
  const lengthens = MAGIC_E_CONSONANTS.includes(w[n - 2] ?? "_") && isVowelLetter(w, v) && single;
  return { silent: n - 1, magic: lengthens ? v : -1 };
}

/** The raw rule output for lower-case a–z letters: no vowel is guaranteed (used to count consonants). */
export function spellLetters(w: string): Phoneme[] {
  const phonemes: Phoneme[] = [];
  const { silent, magic } = finalE(w);
  const push = (ps: readonly Phoneme[]) => {
    for (const p of ps) {
      // A repeated consonant across graphemes ("x" + "s", "c" + "k") is said once.
      if (p === phonemes[phonemes.length - 1] && !isVowel(p)) continue;
      phonemes.push(p);
    }
  };

  let i = 0;
  while (i < w.length) {
    const c = w[i] ?? "";
    if (i === silent) {
      i++;
      continue;
    }
    if (i === magic) {
      push([LONG_VOWEL[c] ?? "ah"]);
      i++;
      continue;
    }
    const double = SINGLE[c];
    if (double && w[i + 1] === c) {
      push(double);
      i += 2;
      continue;
    }
    const rule = (RULES.get(c) ?? []).find((r) => w.startsWith(r.g, i) && (!r.when || r.when(w, i, i + r.g.length)));
    if (!rule) {
      i++;
      continue;
    }
    push(rule.p);
    i += rule.g.length;
  }
  return phonemes;
}

const SYLLABIC_AFTER_OBSTRUENT = new Set(["l", "m", "n"]);
const SONORANTS = new Set(["l", "r", "m", "n", "ng", "w", "y"]);

/**
 * Letter-to-sound rules with the result made singable: a final obstruent + l/m/n gets a schwa
 * ("kwixotl" → "... t ah l", "prism" → "... z ah m"), a final obstruent + r becomes "er", and a word
 * without a vowel gets one.
 */
export function spellSingable(w: string): Phoneme[] {
  const phonemes = spellLetters(w);
  const n = phonemes.length;
  const last = phonemes[n - 1];
  const before = phonemes[n - 2];
  if (last !== undefined && before !== undefined && !isVowel(before) && !SONORANTS.has(before)) {
    if (SYLLABIC_AFTER_OBSTRUENT.has(last)) phonemes.splice(n - 1, 0, "ah");
    else if (last === "r") phonemes[n - 1] = "er";
  }
  return ensureVowel(phonemes);
}

/**
 * A rule-based English reading of any word (names, made-up words): accents and other scripts are
 * folded to ASCII first, and the result always has at least one vowel. Never throws.
 */
export function letterToSound(word: string): Phoneme[] {
  return spellSingable(foldSpelling(word).letters);
}
