// One step of an embedding → stacked LSTM → linear head model at batch 1 without autograd: the
// sampling fast path on any backend but wasm (there ./split_sampler's slice steppers run it from rows
// packed for matrix-vector products), through the Backend's kernels.
// Per step: layer 0 reads its input projection from a table P = E·W_ih0ᵀ + b (one row per token id,
// made once), adds h·W_hh0ᵀ (one product of one row), and runs the backend's LSTM cell step; each
// later layer does one product with [W_ih | W_hh] [4H, 2H] over [h_below; h] (kept adjacent, so no
// copy is needed); then the head's product gives the logits, the only values read back per step.
// L = layers, H = hidden, E = embedding, V = vocabulary; gate order i | f | g | o.

import { getBackend } from '../backend/backend.js';
import { Storage } from '../backend/storage.js';

/** The float32 weights of the model, in PyTorch's layouts. */
export interface LstmStackWeights {
  /** [V, E] */
  embedding: Float32Array;
  layers: { weightIh: Float32Array; weightHh: Float32Array; biasIh: Float32Array | null; biasHh: Float32Array | null }[];
  /** [V, H] and [V] or null */
  headWeight: Float32Array;
  headBias: Float32Array | null;
  V: number; E: number; H: number;
}

// b_ih + b_hh, or zeros.
function summed(a: Float32Array | null, b: Float32Array | null, n: number): Float32Array {
  const out = new Float32Array(n);
  for (let j = 0; j < n; j++) out[j] = (a ? a[j] : 0) + (b ? b[j] : 0);
  return out;
}

export class LstmStackStepper {
  private readonly L: number;
  private readonly p: Storage;      // [V, G] layer 0's projected table
  private readonly whh0: Storage;   // [G, H]
  private readonly wcat: Storage[]; // per layer l ≥ 1: [G, 2H] = [W_ih | W_hh]
  private readonly bcat: Storage[]; // per layer l ≥ 1: [G] b_ih + b_hh
  private readonly head: Storage;   // [V, H]
  private readonly headB: Storage;  // [V]
  private readonly h: Storage;      // [L, H]: layers adjacent, so [h_{l−1}; h_l] is one run
  private readonly c: Storage;      // [L, H]
  private readonly z: Storage;      // [G]
  private readonly logits: Storage; // [V]

  constructor(private readonly w: LstmStackWeights) {
    const { V, E, H } = w, G = 4 * H, L = w.layers.length;
    this.L = L;
    const be = getBackend();
    const l0 = w.layers[0];
    // P [V, G] = E [V, E] · W_ih0ᵀ + b_ih0 + b_hh0
    this.p = new Storage('float32', V * G);
    be.binary('add', new Storage('float32', 1), [], Storage.wrap(summed(l0.biasIh, l0.biasHh, G)), [G], this.p, [V, G]);
    be.gemm(false, true, V, G, E, Storage.wrap(w.embedding), 0, Storage.wrap(l0.weightIh), 0, this.p, 0, true);
    this.whh0 = Storage.wrap(l0.weightHh);
    this.wcat = []; this.bcat = [];
    for (let l = 1; l < L; l++) {
      const { weightIh, weightHh, biasIh, biasHh } = w.layers[l];
      const cat = new Float32Array(G * 2 * H);
      for (let r = 0; r < G; r++) {
        cat.set(weightIh.subarray(r * H, (r + 1) * H), r * 2 * H);
        cat.set(weightHh.subarray(r * H, (r + 1) * H), r * 2 * H + H);
      }
      this.wcat.push(Storage.wrap(cat));
      this.bcat.push(Storage.wrap(summed(biasIh, biasHh, G)));
    }
    this.head = Storage.wrap(w.headWeight);
    this.headB = Storage.wrap(w.headBias ?? new Float32Array(V));
    this.h = new Storage('float32', L * H);
    this.c = new Storage('float32', L * H);
    this.z = new Storage('float32', G);
    this.logits = new Storage('float32', V);
  }

  /** Sets the state (h, c each [L, H]; zeros when omitted). */
  reset(h?: ArrayLike<number>, c?: ArrayLike<number>): void {
    const hv = this.h.overwrite(), cv = this.c.overwrite();
    if (h) hv.set(h); else hv.fill(0);
    if (c) cv.set(c); else cv.fill(0);
  }

  /** The state after the last step: h and c, each [L, H]. */
  state(): { h: Float32Array; c: Float32Array } {
    return { h: Float32Array.from(this.h.read()), c: Float32Array.from(this.c.read()) };
  }

  /** Feeds token `id`; returns the logits [V] (an array the next call overwrites). */
  step(id: number): Float32Array {
    const { V, H } = this.w, G = 4 * H;
    if (!(Number.isInteger(id) && id >= 0 && id < V)) throw new Error(`expected a token id in [0, ${V}), got ${id}`);
    const be = getBackend();
    const { h, c, z } = this;
    // layer 0: z = P[id] + h_0 · W_hh0ᵀ
    be.copy(this.p, id * G, z, 0, G);
    be.gemm(false, true, 1, G, H, h, 0, this.whh0, 0, z, 0, true);
    be.lstmCell(1, H, z, 0, c, 0, c, 0, h, 0);
    for (let l = 1; l < this.L; l++) {
      // z = b + [h_{l−1}; h_l] · [W_ih | W_hh]ᵀ
      be.copy(this.bcat[l - 1], 0, z, 0, G);
      be.gemm(false, true, 1, G, 2 * H, h, (l - 1) * H, this.wcat[l - 1], 0, z, 0, true);
      be.lstmCell(1, H, z, 0, c, l * H, c, l * H, h, l * H);
    }
    be.copy(this.headB, 0, this.logits, 0, V);
    be.gemm(false, true, 1, V, H, h, (this.L - 1) * H, this.head, 0, this.logits, 0, true);
    return this.logits.read() as Float32Array;
  }
}
