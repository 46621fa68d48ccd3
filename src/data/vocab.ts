// The vocabulary of every model in the library: symbols (characters or words) ↔ integer ids.
// Ids run: the special ids asked for (padding, begin and end of sequence, unknown; always in that
// order, so PAD = 0, BOS = 1, EOS = 2, UNK = 3 when all four are there), then the symbols in the
// order given, then, for a character-level language model without an unknown special, one last id
// that every symbol outside the vocabulary encodes to (char-rnn's and nanoGPT's numbering: the known
// characters are 0 … n−1). A character is one Unicode code point (an emoji such as 😀 is one symbol
// even though JavaScript stores it as two UTF-16 units); a word is a run of non-space characters.
// Checkpoints store toJSON(); fromJSON also reads the three forms older checkpoints hold (a
// character model's "char", a seq2seq model's "seq2seq-char" and a caption model's "word").
// A vocabulary read from a file is checked as far as it can be: one symbol per entry, no repeats,
// and the order: toJSON records whether the symbols are in fromTexts' sorted order ("order":
// "sorted") or in an order the caller chose ("given"), so a file whose sorted list was permuted,
// which keeps its size and would silently swap what ids mean, is refused.

import { describeValue, shortJson } from '../tensor/describe_value.js';

/** A special id: padding, begin of sequence, end of sequence, unknown symbol. */
export type Special = 'pad' | 'bos' | 'eos' | 'unk';

/** The order specials take when present (ids 0, 1, …). */
export const SPECIAL_ORDER: readonly Special[] = Object.freeze(['pad', 'bos', 'eos', 'unk']);

/** Id of the padding symbol in a vocabulary whose specials start with pad (fills a batch row past its length). */
export const PAD = 0;
/** Id of begin-of-sequence after pad (the decoder's first input). */
export const BOS = 1;
/** Id of end-of-sequence after pad and bos (the decoder's last output). */
export const EOS = 2;
/** Id of the unknown symbol after pad, bos and eos. */
export const UNK = 3;

/** The specials of a sequence-to-sequence vocabulary: PAD, BOS, EOS, UNK. */
export const SEQUENCE_SPECIALS: readonly Special[] = SPECIAL_ORDER;

/** Placeholder decode() writes for an unknown id unless another is chosen: U+FFFD REPLACEMENT CHARACTER. */
export const DEFAULT_UNKNOWN = '\uFFFD';

/** The longest unknown placeholder (in UTF-16 units): a marker such as '<unk>', not text. */
export const MAX_PLACEHOLDER_LENGTH = 64;

/** Where symbols outside the vocabulary go: the unk special, an extra last id, or an error. */
export type UnknownPolicy = 'unk' | 'last' | 'error';

export interface VocabOptions {
  /** What one symbol is: a character (code point) or a word (default 'char'). */
  unit?: 'char' | 'word';
  /** Special ids before the symbols, a subsequence of pad, bos, eos, unk in that order (default none). */
  specials?: readonly Special[];
  /**
   * Where an unknown symbol goes (default: 'unk' with an unk special, else 'last' for characters
   * and 'error' for words).
   */
  unknown?: UnknownPolicy;
  /** What decode() writes for an unknown id (default U+FFFD). */
  placeholder?: string;
}

/** Serialised form of a Vocab, stored in checkpoint metadata. */
export interface VocabJSON {
  readonly type: 'vocab';
  readonly unit: 'char' | 'word';
  readonly specials: readonly Special[];
  readonly unknown: UnknownPolicy;
  readonly placeholder: string;
  /** The symbols in id order, after the specials. */
  readonly symbols: readonly string[];
  /**
   * 'sorted' when the symbols are in fromTexts' order (characters by code point, words by UTF-16
   * code units), 'given' otherwise. Absent in files written before it (read as 'sorted' for
   * characters, which were always built sorted, and 'given' for words).
   */
  readonly order?: 'sorted' | 'given';
}

const SPECIAL_NAMES: Readonly<Record<Special, string>> = { pad: '<pad>', bos: '<bos>', eos: '<eos>', unk: '<unk>' };

export class Vocab {
  readonly unit: 'char' | 'word';
  readonly specials: readonly Special[];
  /** The symbols in id order (ids specials.length …). */
  readonly symbols: readonly string[];
  readonly unknown: UnknownPolicy;
  /** What decode() renders an unknown id as. */
  readonly placeholder: string;
  /** Id of the unknown symbol (the unk special or the last id); −1 when unknown symbols are an error. */
  readonly unknownId: number;
  // Characters: a direct table for the Basic Multilingual Plane (almost every corpus), a map above it.
  private readonly bmp: Int32Array | null;
  private readonly ids = new Map<string | number, number>();

  /**
   * A vocabulary of exactly these symbols in this order (as restored from a checkpoint); use
   * Vocab.fromText / fromTexts to build one from data. Throws if a symbol is not one character (or
   * one word), repeats, or the list is empty.
   */
  constructor(symbols: readonly string[], options: VocabOptions = {}) {
    const unit = options.unit ?? 'char';
    if (unit !== 'char' && unit !== 'word') throw new Error(`expected vocabulary unit 'char' or 'word', got ${describeValue(unit)}`);
    const specials = [...(options.specials ?? [])];
    let at = 0;
    for (const s of specials) {
      const k = SPECIAL_ORDER.indexOf(s, at);
      if (k < 0) throw new Error(`expected specials in the order ${SPECIAL_ORDER.join(', ')} without repeats, got [${specials.map((x) => (typeof x === 'string' ? shortJson(x).slice(1, -1) : describeValue(x))).join(', ')}]`);
      at = k + 1;
    }
    const unknown = options.unknown ?? (specials.includes('unk') ? 'unk' : unit === 'char' ? 'last' : 'error');
    if (!['unk', 'last', 'error'].includes(unknown)) throw new Error(`expected unknown 'unk', 'last' or 'error', got ${describeValue(unknown)}`);
    if ((unknown === 'unk') !== specials.includes('unk')) {
      throw new Error(`expected unknown 'unk' exactly when 'unk' is a special, got unknown '${unknown}' with specials [${specials.join(', ')}]`);
    }
    const placeholder = options.placeholder ?? DEFAULT_UNKNOWN;
    if (typeof placeholder !== 'string') throw new Error(`expected the unknown placeholder to be a string, got ${describeValue(placeholder)}`);
    if (placeholder.length > MAX_PLACEHOLDER_LENGTH) {
      throw new Error(`expected an unknown placeholder of at most ${MAX_PLACEHOLDER_LENGTH} characters, got ${placeholder.length}`);
    }
    const what = unit === 'char' ? 'character' : 'word';
    if (!Array.isArray(symbols)) throw new Error(`expected the symbols as an array, got ${describeValue(symbols)}`);
    if (symbols.length === 0) throw new Error(`expected a vocabulary of at least one ${what}, got none`);
    this.bmp = unit === 'char' ? new Int32Array(0x10000).fill(-1) : null;
    symbols.forEach((s, i) => {
      if (!(unit === 'char' ? isOneCharacter(s) : isOneWord(s))) {
        throw new Error(`expected vocabulary entry ${i} to be ${unit === 'char' ? 'a single character' : 'a word (non-empty, no spaces)'}, got ${shortJson(s)}`);
      }
      const before = this.lookup(s);
      if (before !== -1) throw new Error(`expected each ${what} once, got ${shortJson(s)} twice (entries ${before - specials.length} and ${i})`);
      const id = specials.length + i;
      if (this.bmp) {
        const cp = s.codePointAt(0)!;
        if (cp < 0x10000) this.bmp[cp] = id; else this.ids.set(cp, id);
      } else {
        this.ids.set(s, id);
      }
    });
    this.unit = unit;
    this.specials = Object.freeze(specials);
    this.symbols = Object.freeze([...symbols]);
    this.unknown = unknown;
    this.placeholder = placeholder;
    this.unknownId = unknown === 'unk' ? specials.indexOf('unk') : unknown === 'last' ? specials.length + symbols.length : -1;
  }

  /**
   * The distinct symbols of `texts` (characters sorted by code point, the numbering of char-rnn; words
   * in sorted order). Throws when there are none.
   */
  static fromTexts(texts: Iterable<string>, options: VocabOptions = {}): Vocab {
    const unit = options.unit ?? 'char';
    let symbols: string[];
    if (unit === 'char') {
      const seen = new Set<number>();
      for (const t of texts) for (const c of t) seen.add(c.codePointAt(0)!);
      symbols = [...seen].sort((a, b) => a - b).map((cp) => String.fromCodePoint(cp));
    } else {
      const seen = new Set<string>();
      for (const t of texts) for (const w of splitWords(t)) seen.add(w);
      symbols = [...seen].sort();
    }
    if (symbols.length === 0) throw new Error('cannot build a vocabulary from empty text');
    return new Vocab(symbols, options);
  }

  /** fromTexts of one text. */
  static fromText(text: string, options: VocabOptions = {}): Vocab {
    return Vocab.fromTexts([text], options);
  }

  /**
   * Restores a vocabulary from toJSON()'s output, given as an object or as JSON text; also reads the
   * older forms { type: "char", chars, unknown }, { type: "seq2seq-char", chars } and { type: "word", words }.
   */
  static fromJSON(json: unknown): Vocab {
    let value = json;
    if (typeof json === 'string') {
      try { value = JSON.parse(json); } catch (err) {
        throw new Error(`expected a vocabulary as JSON, got unparseable text: ${(err as Error).message}`);
      }
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new Error(`expected a vocabulary object { type: "vocab", symbols: [...] }, got ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}`);
    }
    const v = value as Record<string, unknown>;
    const list = (key: string, what: string): string[] => {
      if (!Array.isArray(v[key])) throw new Error(`expected vocabulary "${key}" to be an array of ${what}, got ${v[key] === null ? 'null' : typeof v[key]}`);
      return v[key] as string[];
    };
    switch (v.type) {
      case 'vocab': {
        for (const key of ['unit', 'unknown', 'placeholder'] as const) {
          if (v[key] !== undefined && typeof v[key] !== 'string') throw new Error(`expected vocabulary "${key}" to be a string, got ${describeValue(v[key])}`);
        }
        const unit = v.unit as VocabOptions['unit'];
        const vocab = new Vocab(list('symbols', 'symbols'), {
          unit, specials: list('specials', 'special names') as Special[],
          unknown: v.unknown as UnknownPolicy, placeholder: v.placeholder as string,
        });
        if (v.order !== undefined && v.order !== 'sorted' && v.order !== 'given') {
          throw new Error(`expected vocabulary "order" to be "sorted" or "given", got ${describeValue(v.order)}`);
        }
        return checkOrder(vocab, v.order ?? (vocab.unit === 'char' ? 'sorted' : 'given'));
      }
      case 'char':
        if (v.unknown !== undefined && typeof v.unknown !== 'string') throw new Error(`expected vocabulary "unknown" to be a string, got ${describeValue(v.unknown)}`);
        return checkOrder(new Vocab(list('chars', 'characters'), { placeholder: v.unknown }), 'sorted');
      case 'seq2seq-char':
        return checkOrder(new Vocab(list('chars', 'characters'), { specials: SEQUENCE_SPECIALS }), 'sorted');
      case 'word':
        return new Vocab(list('words', 'words'), { unit: 'word', specials: ['pad', 'bos', 'eos'] });
      default:
        throw new Error(`expected vocabulary type "vocab" (or an older "char", "seq2seq-char" or "word"), got ${v.type === undefined ? 'none' : shortJson(v.type)}`);
    }
  }

  /** Number of ids: specials, symbols and the unknown id when it comes last. */
  get size(): number { return this.specials.length + this.symbols.length + (this.unknown === 'last' ? 1 : 0); }

  /** The id of a special; throws when the vocabulary does not have it. */
  specialId(s: Special): number {
    const k = this.specials.indexOf(s);
    if (k < 0) throw new Error(`expected a vocabulary with a '${s}' special, got specials [${this.specials.join(', ')}]`);
    return k;
  }

  /** Whether `symbol` is in the vocabulary (the unknown placeholder is not, unless it is a symbol). */
  has(symbol: string): boolean {
    return this.lookup(symbol) !== -1;
  }

  /** The id of one symbol: unknownId when absent (an error when unknown symbols are). */
  idOf(symbol: string): number {
    if (this.unit === 'char' && !isOneCharacter(symbol)) throw new Error(`expected a single character, got ${JSON.stringify(symbol)}`);
    const id = this.lookup(symbol);
    if (id !== -1) return id;
    if (this.unknownId < 0) throw new Error(`expected a ${this.unit === 'char' ? 'character' : 'word'} of the vocabulary, got ${JSON.stringify(symbol)}`);
    return this.unknownId;
  }

  /** One id per symbol of `text` (characters, or whitespace-separated words), with BOS first and EOS last when asked. */
  encode(text: string, options: { bos?: boolean; eos?: boolean } = {}): Int32Array {
    if (this.unit === 'word') return this.encodeSymbols(splitWords(text), options);
    const head = options.bos ? 1 : 0;
    const out = new Int32Array(head + text.length + (options.eos ? 1 : 0)); // code points ≤ UTF-16 units; trimmed below
    if (options.bos) out[0] = this.specialId('bos');
    let n = head;
    for (let i = 0; i < text.length; i++) {
      let cp = text.charCodeAt(i);
      if (cp >= 0xd800 && cp <= 0xdbff && i + 1 < text.length) {
        const lo = text.charCodeAt(i + 1);
        if (lo >= 0xdc00 && lo <= 0xdfff) { cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00); i++; }
      }
      const id = cp < 0x10000 ? this.bmp![cp] : (this.ids.get(cp) ?? -1);
      out[n++] = id !== -1 ? id : this.unknownId >= 0 ? this.unknownId : this.idOf(String.fromCodePoint(cp));
    }
    if (options.eos) out[n++] = this.specialId('eos');
    return n === out.length ? out : out.slice(0, n);
  }

  /** The ids of already split symbols, with BOS first and EOS last when asked. */
  encodeSymbols(symbols: readonly string[], options: { bos?: boolean; eos?: boolean } = {}): Int32Array {
    const head = options.bos ? 1 : 0;
    const out = new Int32Array(head + symbols.length + (options.eos ? 1 : 0));
    if (options.bos) out[0] = this.specialId('bos');
    symbols.forEach((s, i) => { out[head + i] = this.idOf(s); });
    if (options.eos) out[out.length - 1] = this.specialId('eos');
    return out;
  }

  /**
   * The symbols of `ids`: stops at the first EOS, skips PAD and BOS, writes an unknown id as the
   * placeholder. Throws on ids outside the vocabulary.
   */
  decodeSymbols(ids: ArrayLike<number>): string[] {
    const k = this.specials.length;
    const eos = this.specials.indexOf('eos'), pad = this.specials.indexOf('pad'), bos = this.specials.indexOf('bos');
    const out: string[] = [];
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      if (!Number.isInteger(id) || id < 0 || id >= this.size) {
        throw new Error(`expected token ids in [0, ${this.size}), got ${id} at position ${i}`);
      }
      if (id === eos) break;
      if (id === pad || id === bos) continue;
      out.push(id === this.unknownId ? this.placeholder : this.symbols[id - k]);
    }
    return out;
  }

  /** The text of `ids` (see decodeSymbols): characters joined, words separated by spaces. */
  decode(ids: ArrayLike<number>): string {
    return this.decodeSymbols(ids).join(this.unit === 'char' ? '' : ' ');
  }

  /** A readable name for any id: <pad>, <bos>, <eos>, <unk> for the specials and the unknown id, else the symbol. */
  nameOf(id: number): string {
    if (!Number.isInteger(id) || id < 0 || id >= this.size) throw new Error(`expected a token id in [0, ${this.size}), got ${id}`);
    if (id < this.specials.length) return SPECIAL_NAMES[this.specials[id]];
    return id === this.unknownId ? SPECIAL_NAMES.unk : this.symbols[id - this.specials.length];
  }

  /** Plain-data form for checkpoint metadata (JSON.stringify calls this). */
  toJSON(): VocabJSON {
    return {
      type: 'vocab', unit: this.unit, specials: [...this.specials], unknown: this.unknown, placeholder: this.placeholder, symbols: [...this.symbols],
      order: unsortedAt(this) < 0 ? 'sorted' : 'given',
    };
  }

  private lookup(symbol: string): number {
    if (!this.bmp) return this.ids.get(symbol) ?? -1;
    if (!isOneCharacter(symbol)) return -1;
    const cp = symbol.codePointAt(0)!;
    return cp < 0x10000 ? this.bmp[cp] : (this.ids.get(cp) ?? -1);
  }
}

// Index of the first symbol out of fromTexts' order (not after the one before it), or -1.
function unsortedAt(v: Vocab): number {
  const s = v.symbols;
  for (let i = 1; i < s.length; i++) {
    const before = v.unit === 'char' ? s[i - 1].codePointAt(0)! < s[i].codePointAt(0)! : s[i - 1] < s[i];
    if (!before) return i;
  }
  return -1;
}

// v, when its symbols are in the order a file says they are.
function checkOrder(v: Vocab, order: 'sorted' | 'given'): Vocab {
  const i = order === 'sorted' ? unsortedAt(v) : -1;
  if (i >= 0) {
    const by = v.unit === 'char' ? 'code point' : 'UTF-16 code units';
    throw new Error(`expected the ${v.unit === 'char' ? 'characters' : 'words'} sorted by ${by} (as the vocabulary was built), ` +
      `got ${shortJson(v.symbols[i - 1])} before ${shortJson(v.symbols[i])} at entries ${i - 1} and ${i}; ` +
      'a reordered vocabulary would change what every id means');
  }
  return v;
}

function isOneCharacter(s: unknown): s is string {
  return typeof s === 'string' && s.length > 0 && String.fromCodePoint(s.codePointAt(0)!) === s;
}

function isOneWord(s: unknown): s is string {
  return typeof s === 'string' && s.length > 0 && !/\s/.test(s);
}

function splitWords(text: string): string[] {
  return text.split(/\s+/).filter((w) => w.length > 0);
}
