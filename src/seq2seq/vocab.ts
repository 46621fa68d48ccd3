// The token vocabulary of a character-level sequence-to-sequence model: four special symbols
// (padding, begin, end, unknown) followed by the characters of the training data. Source and target
// each get their own; both are stored in checkpoints as JSON.

/** Serialised form of a TokenVocab. */
export interface TokenVocabJSON {
  readonly type: 'seq2seq-char';
  /** The characters after the four specials, in id order. */
  readonly chars: readonly string[];
}

/** Id of the padding symbol: fills a batch row past its length; never predicted. */
export const PAD = 0;
/** Id of the begin-of-sequence symbol: the decoder's first input. */
export const BOS = 1;
/** Id of the end-of-sequence symbol: the decoder's last output. */
export const EOS = 2;
/** Id of the unknown symbol: every character outside the vocabulary. */
export const UNK = 3;
/** How many ids the specials take; characters start here. */
export const NUM_SPECIALS = 4;

const SPECIAL_NAMES = ['<pad>', '<bos>', '<eos>', '<unk>'];

/** Characters (Unicode code points) ↔ ids, with PAD = 0, BOS = 1, EOS = 2, UNK = 3 first. */
export class TokenVocab {
  readonly chars: readonly string[];
  private readonly ids = new Map<string, number>();

  /** A vocabulary of exactly these characters after the specials. Throws on repeats or non-characters. */
  constructor(chars: readonly string[]) {
    chars.forEach((c, i) => {
      if (typeof c !== 'string' || c.length === 0 || String.fromCodePoint(c.codePointAt(0)!) !== c) {
        throw new Error(`expected vocabulary entry ${i} to be a single character, got ${JSON.stringify(c)}`);
      }
      if (this.ids.has(c)) throw new Error(`vocabulary character ${JSON.stringify(c)} appears twice`);
      this.ids.set(c, NUM_SPECIALS + i);
    });
    this.chars = Object.freeze([...chars]);
  }

  /** The distinct characters of all `texts`, sorted by code point. */
  static fromTexts(texts: Iterable<string>): TokenVocab {
    const seen = new Set<number>();
    for (const t of texts) for (const c of t) seen.add(c.codePointAt(0)!);
    return new TokenVocab([...seen].sort((a, b) => a - b).map((cp) => String.fromCodePoint(cp)));
  }

  /** Restores a vocabulary from toJSON()'s output (an object or its JSON text). */
  static fromJSON(json: unknown): TokenVocab {
    const value = typeof json === 'string' ? parseJson(json) : json;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new Error(`expected a vocabulary object { type: "seq2seq-char", chars: [...] }, got ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}`);
    }
    const { type, chars } = value as Record<string, unknown>;
    if (type !== 'seq2seq-char') throw new Error(`expected vocabulary type "seq2seq-char", got ${JSON.stringify(type) ?? 'none'}`);
    if (!Array.isArray(chars)) throw new Error(`expected vocabulary "chars" to be an array, got ${typeof chars}`);
    return new TokenVocab(chars as string[]);
  }

  /** Number of ids, specials included. */
  get size(): number { return NUM_SPECIALS + this.chars.length; }

  /** Ids of the characters of `text` (UNK for unknown ones), without BOS or EOS. */
  encode(text: string): number[] {
    const out: number[] = [];
    for (const c of text) out.push(this.ids.get(c) ?? UNK);
    return out;
  }

  /** Text of `ids`; stops at the first EOS, skips PAD and BOS, writes UNK as U+FFFD. */
  decode(ids: ArrayLike<number>): string {
    let s = '';
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      if (!Number.isInteger(id) || id < 0 || id >= this.size) throw new Error(`expected token ids in [0, ${this.size}), got ${id} at position ${i}`);
      if (id === EOS) break;
      if (id === PAD || id === BOS) continue;
      s += id === UNK ? '\uFFFD' : this.chars[id - NUM_SPECIALS];
    }
    return s;
  }

  /** A readable name for any id (specials as <pad>, <bos>, <eos>, <unk>). */
  nameOf(id: number): string {
    return id < NUM_SPECIALS ? SPECIAL_NAMES[id] : this.chars[id - NUM_SPECIALS];
  }

  toJSON(): TokenVocabJSON {
    return { type: 'seq2seq-char', chars: [...this.chars] };
  }
}

function parseJson(text: string): unknown {
  try { return JSON.parse(text); } catch (e) {
    throw new Error(`expected a vocabulary as JSON, got unparseable text: ${(e as Error).message}`);
  }
}
