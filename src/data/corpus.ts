// Turning raw corpus text into the text a character model trains on. Two normalisations only, both
// invisible to a reader of the text: a leading UTF-8 byte-order mark is removed (it is file
// encoding, not content), and Windows line endings CRLF become LF (so a corpus saved on Windows
// trains the same model and vocabulary as the same corpus saved on Unix; a lone CR is kept, as it
// is a real, if rare, character). Lengths are counted in characters (code points), as in Vocab.

/** Options for prepareCorpus. */
export interface PrepareCorpusOptions {
  /**
   * The sequence length the corpus will be cut into. When given, the corpus must hold at least
   * seqLen + 2 characters: seqLen + 1 for one (input, shifted target) window, and one more so that
   * there are at least two distinct windows to sample.
   */
  readonly seqLen?: number;
}

/** Smallest corpus, in characters, that can serve sequences of `seqLen` (see PrepareCorpusOptions). */
export function minCorpusLength(seqLen: number): number {
  return seqLen + 2;
}

/** Number of characters (code points) of `text`, counting a surrogate pair once. */
export function countChars(text: string): number {
  let n = text.length;
  for (let i = 0; i + 1 < text.length; i++) {
    const hi = text.charCodeAt(i);
    if (hi >= 0xd800 && hi <= 0xdbff) {
      const lo = text.charCodeAt(i + 1);
      if (lo >= 0xdc00 && lo <= 0xdfff) { n--; i++; }
    }
  }
  return n;
}

/**
 * Normalises corpus text (strips a leading BOM, CRLF → LF) and checks it is usable: throws on an
 * empty corpus, and, given `seqLen`, on one shorter than seqLen + 2 characters.
 */
export function prepareCorpus(text: string, options: PrepareCorpusOptions = {}): string {
  if (typeof text !== 'string') throw new Error(`expected corpus text as a string, got ${typeof text}`);
  let out = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (out.includes('\r\n')) out = out.replace(/\r\n/g, '\n');
  if (out.length === 0) throw new Error('expected a non-empty corpus, got an empty one');
  const { seqLen } = options;
  if (seqLen !== undefined) {
    if (!Number.isInteger(seqLen) || seqLen < 1) throw new Error(`expected a positive integer sequence length, got ${seqLen}`);
    const need = minCorpusLength(seqLen);
    const got = countChars(out);
    if (got < need) throw new Error(`expected a corpus of at least ${need} characters for sequence length ${seqLen}, got ${got}`);
  }
  return out;
}
