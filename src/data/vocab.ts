// A character vocabulary for character-level language models: each distinct Unicode code point
// ("character" here; an emoji such as 😀 is one symbol even though JavaScript stores it as two UTF-16
// units) gets an integer id. Ids 0..n-1 are the corpus's characters sorted by code point, the same
// numbering as char-rnn and nanoGPT's shakespeare_char, so models and ids line up with theirs; id n
// (the last) is the unknown symbol that every character outside the vocabulary encodes to.

/** Serialised form of a CharVocab, stored in checkpoint metadata. */
export interface CharVocabJSON {
  readonly type: 'char';
  /** The known characters in id order; the unknown symbol (id chars.length) is implied. */
  readonly chars: readonly string[];
  /** What decode() writes for the unknown id. */
  readonly unknown: string;
}

/** Placeholder decode() writes for the unknown id unless another is chosen: U+FFFD REPLACEMENT CHARACTER. */
export const DEFAULT_UNKNOWN = '\uFFFD';

export class CharVocab {
  /** The known characters in id order (each one code point). */
  readonly chars: readonly string[];
  /** Id of the unknown symbol: always the last id, `size - 1`. */
  readonly unknownId: number;
  /** What decode() renders the unknown id as. */
  readonly unknown: string;
  // Direct table for the Basic Multilingual Plane (fast path for almost every corpus), map above it.
  private readonly bmp = new Int32Array(0x10000).fill(-1);
  private readonly astral = new Map<number, number>();

  /**
   * A vocabulary with exactly these characters in this order (as restored from a checkpoint);
   * use CharVocab.fromText to build one from a corpus. Throws if a symbol is not exactly one code
   * point, repeats, or the list is empty.
   */
  constructor(chars: readonly string[], unknown: string = DEFAULT_UNKNOWN) {
    if (chars.length === 0) throw new Error('expected a vocabulary of at least one character, got none');
    chars.forEach((c, i) => {
      if (typeof c !== 'string' || c.length === 0 || String.fromCodePoint(c.codePointAt(0)!) !== c) {
        throw new Error(`expected vocabulary entry ${i} to be a single character, got ${JSON.stringify(c)}`);
      }
      const cp = c.codePointAt(0)!;
      if (this.lookup(cp) !== -1) throw new Error(`vocabulary character ${JSON.stringify(c)} appears twice (entries ${this.lookup(cp)} and ${i})`);
      if (cp < 0x10000) this.bmp[cp] = i; else this.astral.set(cp, i);
    });
    if (typeof unknown !== 'string') throw new Error(`expected the unknown placeholder to be a string, got ${typeof unknown}`);
    this.chars = Object.freeze([...chars]);
    this.unknownId = chars.length;
    this.unknown = unknown;
  }

  /** The distinct characters of `text`, sorted by code point. Throws on empty text. */
  static fromText(text: string, unknown: string = DEFAULT_UNKNOWN): CharVocab {
    if (text.length === 0) throw new Error('cannot build a vocabulary from empty text');
    const seen = new Set<number>();
    for (const c of text) seen.add(c.codePointAt(0)!);
    const codes = [...seen].sort((a, b) => a - b);
    return new CharVocab(codes.map((cp) => String.fromCodePoint(cp)), unknown);
  }

  /** Restores a vocabulary from toJSON()'s output, given as an object or as a JSON string. */
  static fromJSON(json: unknown): CharVocab {
    let value = json;
    if (typeof json === 'string') {
      try { value = JSON.parse(json); } catch (err) {
        throw new Error(`expected a vocabulary as JSON, got unparseable text: ${(err as Error).message}`);
      }
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new Error(`expected a vocabulary object { type: "char", chars: [...] }, got ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}`);
    }
    const { type, chars, unknown } = value as Record<string, unknown>;
    if (type !== 'char') throw new Error(`expected vocabulary type "char", got ${JSON.stringify(type) ?? 'none'}`);
    if (!Array.isArray(chars)) throw new Error(`expected vocabulary "chars" to be an array of characters, got ${chars === null ? 'null' : typeof chars}`);
    if (unknown !== undefined && typeof unknown !== 'string') throw new Error(`expected vocabulary "unknown" to be a string, got ${typeof unknown}`);
    return new CharVocab(chars as string[], unknown ?? DEFAULT_UNKNOWN);
  }

  /** Number of ids, including the unknown symbol: known characters + 1. */
  get size(): number { return this.chars.length + 1; }

  /** The id of one character (unknownId when absent). */
  idOf(char: string): number {
    const cp = char.codePointAt(0);
    if (cp === undefined || String.fromCodePoint(cp) !== char) throw new Error(`expected a single character, got ${JSON.stringify(char)}`);
    const id = this.lookup(cp);
    return id === -1 ? this.unknownId : id;
  }

  /** Whether `char` is in the vocabulary (the unknown placeholder is not, unless it was in the text). */
  has(char: string): boolean {
    const cp = char.codePointAt(0);
    return cp !== undefined && String.fromCodePoint(cp) === char && this.lookup(cp) !== -1;
  }

  /** One id per character (code point) of `text`; characters not in the vocabulary map to unknownId. */
  encode(text: string): Int32Array {
    const out = new Int32Array(text.length); // code points ≤ UTF-16 units; trimmed below
    let n = 0;
    for (let i = 0; i < text.length; i++) {
      let cp = text.charCodeAt(i);
      if (cp >= 0xd800 && cp <= 0xdbff && i + 1 < text.length) {
        const lo = text.charCodeAt(i + 1);
        if (lo >= 0xdc00 && lo <= 0xdfff) { cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00); i++; }
      }
      const id = cp < 0x10000 ? this.bmp[cp] : (this.astral.get(cp) ?? -1);
      out[n++] = id === -1 ? this.unknownId : id;
    }
    return n === out.length ? out : out.slice(0, n);
  }

  /** The text for `ids`; the unknown id renders as `unknown` (U+FFFD by default). */
  decode(ids: ArrayLike<number>): string {
    const parts: string[] = [];
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      if (!Number.isInteger(id) || id < 0 || id >= this.size) {
        throw new Error(`expected token ids in [0, ${this.size}), got ${id} at position ${i}`);
      }
      parts.push(id === this.unknownId ? this.unknown : this.chars[id]);
    }
    return parts.join('');
  }

  /** Plain-data form for checkpoint metadata (JSON.stringify calls this). */
  toJSON(): CharVocabJSON {
    return { type: 'char', chars: [...this.chars], unknown: this.unknown };
  }

  private lookup(cp: number): number {
    return cp < 0x10000 ? this.bmp[cp] : (this.astral.get(cp) ?? -1);
  }
}
