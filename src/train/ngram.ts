// The n-gram baseline of the character-model chapter: a k-th order Markov model, P(x_t | the k
// characters before it), smoothed by interpolated Kneser–Ney (Kneser & Ney 1995; Chen & Goodman
// 1999). What a recurrent model must beat to show it uses more than the last few characters; scored
// in nats/char on the same validation split as the character trainer (splitTrainVal, the last 10%).
//
// Counts live in a trie of every n-gram of the training ids up to length k + 1, node ids in typed
// arrays and the children in one open-addressing hash table keyed by parent·V + symbol, so that
// tiny-shakespeare at k = 8 (a few million n-grams) fits in about a hundred megabytes.

import { Vocab } from '../data/vocab.js';
import { splitTrainVal } from '../data/split.js';

export interface KneserNeyOptions {
  /** k: characters of context (0: a unigram model). */
  order: number;
  /** V: the symbols the distribution is over (ids in [0, V)). */
  vocabSize: number;
  /**
   * The absolute discount D of every level (default: estimated per level as n₁ / (n₁ + 2 n₂) from
   * the number of n-grams seen once and twice, Ney et al. 1994; 0.5 where that gives 0).
   */
  discount?: number;
}

/**
 * Interpolated Kneser–Ney over contexts of up to k symbols. With h a context of j symbols and h′
 * the j − 1 most recent of them, P(w | h) is built from the uniform 1/V up:
 *
 *   P(w | h) = max(a(hw) − D_j, 0) / Σ_v a(hv) + D_j · |{v : a(hv) > 0}| / Σ_v a(hv) · P(w | h′),
 *
 * where a is the raw count c(hw) at the top level (j = k) and the continuation count N₁₊(•hw) (how
 * many distinct symbols precede hw) below it; a level whose context was never followed by anything
 * passes P(w | h′) through. Every P(· | h) sums to 1 over the V symbols. A context shorter than k
 * (the first symbols of a text) uses the levels it has, all with continuation counts.
 */
export class KneserNeyModel {
  readonly order: number;
  readonly vocabSize: number;
  /** D per n-gram length n = 1 … k + 1 (index n − 1). */
  readonly discounts: readonly number[];
  private readonly trie: NgramTrie;

  private constructor(trie: NgramTrie, order: number, vocabSize: number, discounts: number[]) {
    this.trie = trie;
    this.order = order;
    this.vocabSize = vocabSize;
    this.discounts = Object.freeze(discounts);
  }

  /** Counts the n-grams of `ids` (each in [0, vocabSize)). */
  static fit(ids: ArrayLike<number>, options: KneserNeyOptions): KneserNeyModel {
    const { order: k, vocabSize: V } = options;
    if (!(Number.isInteger(k) && k >= 0 && k <= 32)) throw new Error(`expected an n-gram order (context length) between 0 and 32, got ${k}`);
    if (!(Number.isInteger(V) && V >= 1)) throw new Error(`expected a vocabulary size >= 1, got ${V}`);
    if (ids.length === 0) throw new Error('expected training ids, got none');
    for (let i = 0; i < ids.length; i++) {
      if (!(Number.isInteger(ids[i]) && ids[i] >= 0 && ids[i] < V)) throw new Error(`expected ids in [0, ${V}), got ${ids[i]} at position ${i}`);
    }
    if (options.discount !== undefined && !(options.discount > 0 && options.discount <= 1)) {
      throw new Error(`expected a discount in (0, 1], got ${options.discount}`);
    }
    const trie = new NgramTrie(ids, k + 1, V);
    const discounts = Array.from({ length: k + 1 }, (_, n) => options.discount ?? trie.discount(n + 1, n === k));
    return new KneserNeyModel(trie, k, V, discounts);
  }

  /** P(w | context), using the last min(k, context.length) symbols of the context. */
  prob(context: ArrayLike<number>, w: number): number {
    const t = this.trie, k = this.order;
    const L = Math.min(k, context.length);
    // the nodes of the contexts of length 0 … L, most recent symbols last
    let p = 1 / this.vocabSize;
    for (let j = 0; j <= L; j++) {
      let h = 0; // root: the empty context
      for (let i = context.length - j; i < context.length && h >= 0; i++) h = t.child(h, context[i]);
      if (h < 0) break; // never seen: nor is any longer context
      const top = j === k;
      const total = top ? t.followCount[h] : t.followCont[h];
      if (total === 0) continue;
      const types = top ? t.children[h] : t.childrenCont[h];
      const hw = t.child(h, w);
      const a = hw < 0 ? 0 : top ? t.count[hw] : t.cont[hw];
      const D = this.discounts[j];
      p = Math.max(a - D, 0) / total + (D * types / total) * p;
    }
    return p;
  }

  /** P(· | context) over the V symbols. */
  distribution(context: ArrayLike<number>): Float64Array {
    return Float64Array.from({ length: this.vocabSize }, (_, w) => this.prob(context, w));
  }

  /** −(1/n) Σ_t log P(x_t | x_{t−k} … x_{t−1}) over ids (contexts do not reach before ids[0]): nats/symbol. */
  crossEntropy(ids: ArrayLike<number>): number {
    if (ids.length === 0) throw new Error('expected ids to score, got none');
    let total = 0;
    const arr = Int32Array.from(ids);
    for (let t = 0; t < arr.length; t++) total -= Math.log(this.prob(arr.subarray(Math.max(0, t - this.order), t), arr[t]));
    return total / arr.length;
  }
}

/** What ngramBaseline measured. */
export interface NgramBaselineResult {
  order: number;
  /** Validation cross-entropy, nats/char. */
  valLoss: number;
  /** The same in bits/char. */
  valBits: number;
  trainChars: number;
  valChars: number;
  vocabSize: number;
}

/**
 * The k-th order Kneser–Ney baseline of a corpus as the character trainer sees it: the vocabulary
 * of the whole text (Vocab.fromText), the first 1 − valFraction of it to count, the rest to score
 * (splitTrainVal, default 0.1: the trainer's split).
 */
export function ngramBaseline(text: string, options: { order: number; valFraction?: number; discount?: number }): NgramBaselineResult {
  const vocab = Vocab.fromText(text);
  const { train, val } = splitTrainVal(vocab.encode(text), options.valFraction ?? 0.1);
  const model = KneserNeyModel.fit(train, { order: options.order, vocabSize: vocab.size, discount: options.discount });
  const valLoss = model.crossEntropy(val);
  return { order: options.order, valLoss, valBits: valLoss / Math.LN2, trainChars: train.length, valChars: val.length, vocabSize: vocab.size };
}

// Every n-gram of the training ids up to length maxLen, as trie nodes (node 0: the empty string).
class NgramTrie {
  count: Int32Array; // c(g): occurrences of the node's string
  cont: Int32Array; // N₁₊(•g): distinct symbols seen right before it
  depth: Uint8Array;
  children: Int32Array; // distinct symbols seen after it
  childrenCont: Int32Array; // … of those, with a continuation count > 0
  followCount: Int32Array; // Σ_v c(g v)
  followCont: Int32Array; // Σ_v N₁₊(•g v)
  private parent: Int32Array;
  private size = 1;
  private readonly table: ChildTable;

  constructor(ids: ArrayLike<number>, readonly maxLen: number, readonly V: number) {
    const cap = 1024;
    this.count = new Int32Array(cap); this.cont = new Int32Array(cap); this.depth = new Uint8Array(cap); this.parent = new Int32Array(cap);
    this.children = new Int32Array(0); this.childrenCont = new Int32Array(0); this.followCount = new Int32Array(0); this.followCont = new Int32Array(0);
    this.table = new ChildTable();
    this.parent[0] = -1;
    // The n-grams starting at i, from the end backwards: the suffix of ids[i .. i+n) (drop its first
    // symbol) is the n-gram of length n − 1 starting at i + 1, on the previous path; the pair
    // (suffix, ids[i]) seen for the first time adds one to the suffix's continuation count. That
    // counts N₁₊(•g) for every g up to length maxLen − 1, all the lower levels need.
    let next: Int32Array = new Int32Array(maxLen + 1).fill(-1);
    const seenLeft = new ChildTable(); // (suffix node, preceding symbol) pairs already counted
    for (let i = ids.length - 1; i >= 0; i--) {
      const path = new Int32Array(maxLen + 1).fill(-1);
      path[0] = 0;
      for (let n = 1; n <= maxLen && i + n <= ids.length; n++) {
        const node = this.childOrAdd(path[n - 1], ids[i + n - 1]);
        this.count[node]++;
        path[n] = node;
        // node = ids[i] · suffix, where suffix = ids[i+1 .. i+n) is next[n − 1]
        const suffix = n === 1 ? -1 : next[n - 1];
        if (n > 1 && suffix >= 0 && seenLeft.get(suffix, ids[i], V) < 0) { seenLeft.set(suffix, ids[i], V, 1); this.cont[suffix]++; }
      }
      next = path;
    }
    this.children = new Int32Array(this.size); this.childrenCont = new Int32Array(this.size);
    this.followCount = new Int32Array(this.size); this.followCont = new Int32Array(this.size);
    for (let x = 1; x < this.size; x++) {
      const p = this.parent[x];
      this.children[p]++;
      this.followCount[p] += this.count[x];
      this.followCont[p] += this.cont[x];
      if (this.cont[x] > 0) this.childrenCont[p]++;
    }
  }

  /** The node of (node's string)·w, or −1. */
  child(node: number, w: number): number {
    return this.table.get(node, w, this.V);
  }

  /** n₁ / (n₁ + 2 n₂) over the n-grams of length n (raw counts when `raw`, else continuation counts). */
  discount(n: number, raw: boolean): number {
    let n1 = 0, n2 = 0;
    for (let x = 1; x < this.size; x++) {
      if (this.depth[x] !== n) continue;
      const a = raw ? this.count[x] : this.cont[x];
      if (a === 1) n1++;
      else if (a === 2) n2++;
    }
    return n1 > 0 ? n1 / (n1 + 2 * n2) : 0.5;
  }

  private childOrAdd(node: number, w: number): number {
    const have = this.table.get(node, w, this.V);
    if (have >= 0) return have;
    if (this.size === this.count.length) {
      const grow = <A extends Int32Array | Uint8Array>(a: A): A => { const b = new (a.constructor as new (n: number) => A)(a.length * 2); b.set(a); return b; };
      this.count = grow(this.count); this.cont = grow(this.cont); this.depth = grow(this.depth); this.parent = grow(this.parent);
    }
    const id = this.size++;
    this.parent[id] = node;
    this.depth[id] = this.depth[node] + 1;
    this.table.set(node, w, this.V, id);
    return id;
  }
}

// An open-addressing hash table from (node, symbol) to an int, keyed by node·V + symbol.
class ChildTable {
  private keys = new Float64Array(1 << 12).fill(-1);
  private values = new Int32Array(1 << 12);
  private used = 0;

  get(node: number, w: number, V: number): number {
    const key = node * V + w, mask = this.keys.length - 1;
    for (let s = hash(key) & mask; ; s = (s + 1) & mask) {
      const k = this.keys[s];
      if (k === key) return this.values[s];
      if (k === -1) return -1;
    }
  }

  set(node: number, w: number, V: number, value: number): void {
    if (2 * (this.used + 1) > this.keys.length) this.rehash();
    const key = node * V + w, mask = this.keys.length - 1;
    let s = hash(key) & mask;
    while (this.keys[s] !== -1 && this.keys[s] !== key) s = (s + 1) & mask;
    if (this.keys[s] === -1) this.used++;
    this.keys[s] = key;
    this.values[s] = value;
  }

  private rehash(): void {
    const { keys, values } = this;
    this.keys = new Float64Array(keys.length * 2).fill(-1);
    this.values = new Int32Array(keys.length * 2);
    const mask = this.keys.length - 1;
    for (let i = 0; i < keys.length; i++) {
      if (keys[i] === -1) continue;
      let s = hash(keys[i]) & mask;
      while (this.keys[s] !== -1) s = (s + 1) & mask;
      this.keys[s] = keys[i];
      this.values[s] = values[i];
    }
  }
}

// Mixes a key below 2^53 into 32 bits (its high and low words, multiplied through).
function hash(key: number): number {
  const lo = key >>> 0, hi = Math.floor(key / 4294967296) >>> 0;
  let h = Math.imul(lo ^ Math.imul(hi, 0x9e3779b1), 0x85ebca6b);
  h ^= h >>> 13;
  return Math.imul(h, 0xc2b2ae35) ^ (h >>> 16);
}
