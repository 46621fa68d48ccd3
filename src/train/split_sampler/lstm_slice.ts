// One thread's share of a batch-1 step of a stacked LSTM, for sampling on two threads: the hidden
// units [u0, u1) of every layer, with their rows of the weights resident in this thread's WebAssembly
// memory. Per layer it takes the full input vector (h of the layer below, just computed, and this
// layer's previous h, both from the threads' shared state), does one matrix-vector product for its
// 4·U gate rows (gemvPacked over the rows packed once at upload: 1.2–1.6× sgemm at M = 1) and the
// gate math for its U units, and writes its part of the new h and c back.
// L = layers, H = hidden, E = embedding, V = vocabulary, U = u1 − u0; gate order i | f | g | o.

import { Scratch, claimResident, get, heapF32, put, residentCurrent } from '../../backend/wasm/call_scratch.js';
import type { WasmExports } from '../../backend/wasm/module.js';
import type { LstmStackWeights } from '../lstm_stack_stepper.js';

/** The rows of one thread's units, in the layout the slice keeps (all plain arrays: they cross threads). */
export interface LstmSliceWeights {
  V: number; E: number; H: number; L: number; u0: number; u1: number;
  /** [V, 4U]: E·W_ih0ᵀ + b_ih0 + b_hh0 for this slice's gate rows, one row per token. */
  p: Float32Array;
  /** [4U, H]: W_hh0's rows for this slice. */
  whh0: Float32Array;
  /** Per layer l ≥ 1: [4U, 2H] = [W_ih | W_hh] rows, and [4U] summed biases. */
  wcat: Float32Array[];
  bcat: Float32Array[];
}

/** Cuts the weights of units [u0, u1) out of a full model's (rows g·H + u, gates g = i, f, g, o). */
export function sliceLstmWeights(w: LstmStackWeights, u0: number, u1: number): LstmSliceWeights {
  const { V, E, H } = w, L = w.layers.length, U = u1 - u0, G = 4 * H;
  const rowsOf = (m: Float32Array, width: number): Float32Array => {
    const out = new Float32Array(4 * U * width);
    for (let g = 0; g < 4; g++) out.set(m.subarray((g * H + u0) * width, (g * H + u1) * width), g * U * width);
    return out;
  };
  const biasOf = (a: Float32Array | null, b: Float32Array | null): Float32Array => {
    const out = new Float32Array(4 * U);
    for (let g = 0; g < 4; g++) {
      for (let u = 0; u < U; u++) out[g * U + u] = (a ? a[g * H + u0 + u] : 0) + (b ? b[g * H + u0 + u] : 0);
    }
    return out;
  };
  const l0 = w.layers[0];
  const wih0 = rowsOf(l0.weightIh, E), b0 = biasOf(l0.biasIh, l0.biasHh);
  // P = E · W_ih0ᵀ + b in float64 sums, once per sampler: V·4U·E multiply-adds.
  const p = new Float32Array(V * 4 * U);
  for (let v = 0; v < V; v++) {
    const ev = w.embedding.subarray(v * E, (v + 1) * E);
    for (let r = 0; r < 4 * U; r++) {
      let s = b0[r];
      for (let k = 0; k < E; k++) s += ev[k] * wih0[r * E + k];
      p[v * 4 * U + r] = s;
    }
  }
  const wcat: Float32Array[] = [], bcat: Float32Array[] = [];
  for (let l = 1; l < L; l++) {
    const { weightIh, weightHh, biasIh, biasHh } = w.layers[l];
    const ih = rowsOf(weightIh, H), hh = rowsOf(weightHh, H);
    const cat = new Float32Array(4 * U * 2 * H);
    for (let r = 0; r < 4 * U; r++) {
      cat.set(ih.subarray(r * H, (r + 1) * H), r * 2 * H);
      cat.set(hh.subarray(r * H, (r + 1) * H), r * 2 * H + H);
    }
    wcat.push(cat); bcat.push(biasOf(biasIh, biasHh));
  }
  void G;
  return { V, E, H, L, u0, u1, p, whh0: rowsOf(l0.weightHh, H), wcat, bcat };
}

export class LstmSliceStep {
  private token = 0;
  // byte addresses inside the resident block
  private p = 0; private whh0 = 0; private wcat: number[] = []; private bcat: number[] = [];
  private x = 0; private z = 0; private c = 0; private h = 0; private tc = 0;
  private head = 0; private headB = 0; private logits = 0;
  private readonly U: number;

  /** head: [V, H] weight and [V] bias when this slice also computes the logits (the main thread's). */
  constructor(
    private readonly e: WasmExports, private readonly w: LstmSliceWeights,
    private readonly headWeight: Float32Array | null = null, private readonly headBias: Float32Array | null = null,
  ) {
    this.U = w.u1 - w.u0;
  }

  private upload(): void {
    const { e, w } = this;
    const { V, H, L } = w, R = 4 * this.U;
    let bytes = 0;
    const take = (n: number): number => { const at = bytes; bytes += Math.ceil(n / 64) * 64; return at; };
    // the matrices packed for gemvPacked (W·x with one pointer walking each), the rest as floats
    const p = take(4 * V * R), whh0 = take(e.packedRowsBytes(R, H));
    const wcat: number[] = [], bcat: number[] = [];
    for (let l = 1; l < L; l++) { wcat.push(take(e.packedRowsBytes(R, 2 * H))); bcat.push(take(4 * R)); }
    const x = take(4 * 2 * H), z = take(4 * R), c = take(4 * this.U), h = take(4 * this.U), tc = take(4 * this.U);
    const head = take(this.headWeight ? e.packedRowsBytes(V, H) : 0), headB = take(4 * V), logits = take(4 * V);
    const claim = claimResident(e, bytes);
    if (claim === null) throw new Error('LstmSliceStep: WebAssembly memory could not grow');
    const [at, token] = claim;
    const pack = (m: Float32Array, N: number, K: number, dst: number): void => {
      const s = new Scratch(), raw = s.take(N * K);
      if (!s.commit(e)) throw new Error('LstmSliceStep: WebAssembly memory could not grow');
      put(m, raw);
      e.packRows(N, K, raw, K, dst);
    };
    put(w.p, at + p); pack(w.whh0, R, H, at + whh0);
    for (let l = 1; l < L; l++) { pack(w.wcat[l - 1], R, 2 * H, at + wcat[l - 1]); put(w.bcat[l - 1], at + bcat[l - 1]); }
    if (this.headWeight) {
      pack(this.headWeight, V, H, at + head);
      if (this.headBias) put(this.headBias, at + headB); else heapF32().fill(0, (at + headB) / 4, (at + headB) / 4 + V);
    }
    this.p = at + p; this.whh0 = at + whh0; this.wcat = wcat.map((o) => at + o); this.bcat = bcat.map((o) => at + o);
    this.x = at + x; this.z = at + z; this.c = at + c; this.h = at + h; this.tc = at + tc;
    this.head = at + head; this.headB = at + headB; this.logits = at + logits;
    this.token = token;
  }

  private ensureUploaded(): void {
    if (this.token === 0 || !residentCurrent(this.token)) this.upload();
  }

  /**
   * Layer l for this slice's units. below: layer l−1's new h [H] (ignored for l = 0, which uses token
   * id's row of P); prev: this layer's previous h [H]; c: this slice's cell state [U], updated in
   * place; hOut: receives this slice's new h [U].
   */
  layer(l: number, id: number, below: Float32Array, prev: Float32Array, c: Float32Array, hOut: Float32Array): void {
    const { e, w } = this;
    const H = w.H, R = 4 * this.U;
    this.ensureUploaded();
    const heap = heapF32();
    if (l === 0) {
      heap.copyWithin(this.z / 4, this.p / 4 + id * R, this.p / 4 + (id + 1) * R);
      put(prev, this.x);
      e.gemvPacked(R, H, this.x, this.whh0, this.z, true);
    } else {
      heap.copyWithin(this.z / 4, this.bcat[l - 1] / 4, this.bcat[l - 1] / 4 + R);
      put(below, this.x); put(prev, this.x + 4 * H);
      e.gemvPacked(R, 2 * H, this.x, this.wcat[l - 1], this.z, true);
    }
    put(c, this.c);
    e.lstmStep(1, this.U, this.z, this.c, this.c, this.h, this.tc);
    get(this.c, this.U, c);
    get(this.h, this.U, hOut);
  }

  /** logits [V] = head · top + bias into out (only on a slice made with the head). */
  logitsOf(top: Float32Array, out: Float32Array): void {
    if (!this.headWeight) throw new Error('LstmSliceStep: expected a slice made with the head weights');
    const { e, w } = this;
    this.ensureUploaded();
    heapF32().copyWithin(this.logits / 4, this.headB / 4, this.headB / 4 + w.V);
    put(top, this.x);
    e.gemvPacked(w.V, w.H, this.x, this.head, this.logits, true);
    get(this.logits, w.V, out);
  }
}
