import { toCardinal, toCurrency, toOrdinal } from "n2words/en-US";

const DIGITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"];
// n2words names groups up to the vigintillions; past 15 digits nobody sings the name anyway.
const MAX_CARDINAL_DIGITS = 15;

function digitByDigit(digits: string): string {
  return [...digits].map((d) => (d === "." ? "point" : (DIGITS[Number(d)] ?? ""))).join(" ");
}

function cardinal(value: string): string {
  const [whole = "", fraction = ""] = value.split(".");
  if (whole.length > MAX_CARDINAL_DIGITS || fraction.length > MAX_CARDINAL_DIGITS) return digitByDigit(value);
  // "007" is read as written, digit by digit.
  if (whole.length > 1 && whole.startsWith("0")) return digitByDigit(value);
  return toCardinal(value);
}

/** "1999" → "nineteen ninety-nine", "1905" → "nineteen oh five", "2010" → "twenty ten"; null if not year-like. */
function year(value: string): string | null {
  if (!/^\d{4}$/.test(value)) return null;
  const n = Number(value);
  if (!((n >= 1100 && n <= 1999) || (n >= 2010 && n <= 2099))) return null;
  const high = toCardinal(Math.floor(n / 100));
  const low = n % 100;
  if (low === 0) return `${high} hundred`;
  return low < 10 ? `${high} oh ${toCardinal(low)}` : `${high} ${toCardinal(low)}`;
}

/** "eighty" → "eighties", "six" → "sixes": a decade or a plural of a number ("the 80s"). */
function plural(words: string): string {
  if (words.endsWith("y")) return `${words.slice(0, -1)}ies`;
  if (words.endsWith("x") || words.endsWith("s")) return `${words}es`;
  return `${words}s`;
}

function time(hours: string, minutes: string): string {
  const h = toCardinal(hours);
  const m = Number(minutes);
  if (m === 0) return `${h} o'clock`;
  return m < 10 ? `${h} oh ${toCardinal(m)}` : `${h} ${toCardinal(m)}`;
}

function numberWords(currency: boolean, raw: string, suffix: string): string {
  try {
    return readNumber(currency, raw, suffix);
  } catch {
    // n2words refuses shapes it does not know; the digits can always be read one by one.
    return digitByDigit(raw.replaceAll(",", ""));
  }
}

function readNumber(currency: boolean, raw: string, suffix: string): string {
  const value = raw.replaceAll(",", "");
  const whole = value.split(".")[0] ?? "";
  const small = whole.length <= MAX_CARDINAL_DIGITS;
  const lower = suffix.toLowerCase();
  if (currency && small) return toCurrency(value);
  if ((lower === "st" || lower === "nd" || lower === "rd" || lower === "th") && !value.includes(".") && small) {
    return Number(value) === 0 ? "zeroth" : toOrdinal(value);
  }
  if (lower === "s" || lower === "'s") return plural(year(value) ?? cardinal(value));
  return year(value) ?? cardinal(value);
}

const TIME = /\b(\d{1,2}):([0-5]\d)\b/g;
// A number, optionally as money ($5), with an ordinal or plural ending that no letter follows.
const NUMBER = /(\$\s?)?(\d+(?:,\d{3})*(?:\.\d+)?)(st|nd|rd|th|'s|s)?(?![a-z])(\s?%)?/gi;
const NUMBER_NO_SUFFIX = /(\$\s?)?(\d+(?:,\d{3})*(?:\.\d+)?)(\s?%)?/g;

function spoken(words: string): string {
  // n2words writes "twenty-two"; a hyphen in the lyrics means a syllable split, so use spaces.
  return ` ${words.replaceAll("-", " ").replaceAll(",", "")} `;
}

/**
 * Writes the numbers of a lyric line out in English words: "22" → "twenty two", "3rd" → "third",
 * "1999" → "nineteen ninety nine", "the 80s" → "the eighties", "9:30" → "nine thirty",
 * "$5" → "five dollars", "50%" → "fifty percent", "4ever" → "four ever".
 */
export function expandNumbers(line: string): string {
  if (!/\d/.test(line)) return line;
  const timed = line.replace(TIME, (_m, h: string, m: string) => spoken(time(h, m)));
  const withSuffix = timed.replace(NUMBER, (_m, dollar: string | undefined, raw: string, suffix: string | undefined, pct: string | undefined) =>
    spoken(numberWords(dollar !== undefined, raw, suffix ?? "") + (pct ? " percent" : "")),
  );
  // What is left is digits glued to letters ("4ever", "22nd2"): read them as plain numbers.
  return withSuffix.replace(NUMBER_NO_SUFFIX, (_m, dollar: string | undefined, raw: string, pct: string | undefined) =>
    spoken(numberWords(dollar !== undefined, raw, "") + (pct ? " percent" : "")),
  );
}
