/**
 * Unicode and typographic clean-up of lyrics before they are split: NFC, one kind of line break,
 * straight apostrophes, hyphen characters to "-", dashes and ellipses to spaces (they separate
 * words; a "-" inside a word is syllable markup), odd spaces to plain ones.
 */
export function normalizeLyrics(text: string): string {
  return (
    text
      .normalize("NFC")
      .replace(/\r\n?|[\u2028\u2029\u0085\v\f]/g, "\n")
      .replace(/[\u2018\u2019\u201a\u201b\u2032\u02bc\u0060\u00b4]/g, "'")
      .replace(/[\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb]/g, '"')
      .replace(/[\u2010\u2011]/g, "-")
      .replace(/[\u2012-\u2015\u2212\u2e3a\u2e3b\u2026]/g, " ")
      // "--" is how an em dash is typed.
      .replace(/-{2,}/g, " ")
      .replace(/[\t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]/g, " ")
      .replace(/[\u200b-\u200d\u2060\ufeff\u00ad]/g, "")
  );
}
