// One step of an embedding → stacked LSTM → linear head model at batch 1 without autograd, on the
// WebAssembly module with the weights resident in linear memory: the sampling fast path. Per step:
// layer 0 reads its input projection from a table P = E·W_ih0ᵀ + b (one row per token id, made once),
// adds h·W_hh0ᵀ (one gemv), and runs the gate math; each later layer does one gemv with
// [W_ih | W_hh] [4H, 2H] over [h_below; h] (kept adjacent in memory so no copy is needed); then the
// head's gemv gives the logits. Nothing is allocated per step.
// L = layers, H = hidden, E = embedding, V = vocabulary; gate order i | f | g | o.

import { Scratch, claimResident, get, heapF32, put, residentCurrent, type WasmExports } from '../../backend/wasm/module.js';

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

export class LstmStackStepper {
  private token = 0;
  // byte addresses inside the resident block
  private p = 0; private whh0 = 0; private wcat: number[] = []; private bcat: number[] = [];
  private head = 0; private headB = 0; private h = 0; private c = 0; private z = 0; private tc = 0; private logits = 0;
  private readonly L: number;
  private readonly out: Float32Array;
  private readonly hState: Float32Array; // [L, H] kept here too, so that a re-upload keeps the state
  private readonly cState: Float32Array;

  constructor(private readonly e: WasmExports, private readonly w: LstmStackWeights) {
    this.L = w.layers.length;
    this.out = new Float32Array(w.V);
    this.hState = new Float32Array(this.L * w.H);
    this.cState = new Float32Array(this.L * w.H);
  }

  /** Sets the state (h, c each [L, H]; zeros when omitted). */
  reset(h?: ArrayLike<number>, c?: ArrayLike<number>): void {
    if (h) this.hState.set(h); else this.hState.fill(0);
    if (c) this.cState.set(c); else this.cState.fill(0);
    if (this.token !== 0 && residentCurrent(this.token)) { put(this.hState, this.h); put(this.cState, this.c); }
  }

  /** The state after the last step: h and c, each [L, H]. */
  state(): { h: Float32Array; c: Float32Array } {
    return { h: Float32Array.from(this.hState), c: Float32Array.from(this.cState) };
  }

  // Lays the weights out in the resident block (again, if another owner took it meanwhile).
  private upload(): boolean {
    const { e, w } = this;
    const { V, E, H } = w, G = 4 * H, L = this.L;
    let bytes = 0;
    const take = (floats: number): number => { const at = bytes; bytes += Math.ceil((4 * floats) / 64) * 64; return at; };
    const p = take(V * G), whh0 = take(G * H);
    const wcat = [], bcat = [];
    for (let l = 1; l < L; l++) { wcat.push(take(G * 2 * H)); bcat.push(take(G)); }
    const head = take(V * H), headB = take(V), h = take(L * H), c = take(L * H), z = take(G), tc = take(H), logits = take(V);
    const emb = take(V * E), wih0 = take(G * E);
    const claim = claimResident(e, bytes);
    if (claim === null) return false;
    const [at, token] = claim;
    const work = new Scratch();
    const workP = work.takeBytes(Math.max(e.workspaceBytes(V, G, E), e.workspaceBytes(1, G, 2 * H)));
    if (!work.commit(e)) return false;
    const heap = heapF32();
    const l0 = w.layers[0];
    // P [V, G] = E [V, E] · W_ih0ᵀ + b_ih0 + b_hh0
    for (let v = 0; v < V; v++) {
      const row = (at + p) / 4 + v * G;
      for (let j = 0; j < G; j++) heap[row + j] = (l0.biasIh ? l0.biasIh[j] : 0) + (l0.biasHh ? l0.biasHh[j] : 0);
    }
    put(w.embedding, at + emb); put(l0.weightIh, at + wih0);
    e.sgemm(false, true, V, G, E, at + emb, at + wih0, at + p, true, workP);
    put(l0.weightHh, at + whh0);
    for (let l = 1; l < L; l++) {
      const { weightIh, weightHh, biasIh, biasHh } = w.layers[l];
      const base = (at + wcat[l - 1]) / 4;
      for (let r = 0; r < G; r++) {
        heap.set(weightIh.subarray(r * H, (r + 1) * H), base + r * 2 * H);
        heap.set(weightHh.subarray(r * H, (r + 1) * H), base + r * 2 * H + H);
      }
      const b = (at + bcat[l - 1]) / 4;
      for (let j = 0; j < G; j++) heap[b + j] = (biasIh ? biasIh[j] : 0) + (biasHh ? biasHh[j] : 0);
    }
    put(w.headWeight, at + head);
    if (w.headBias) put(w.headBias, at + headB); else heap.fill(0, (at + headB) / 4, (at + headB) / 4 + V);
    put(this.hState, at + h); put(this.cState, at + c);
    this.p = at + p; this.whh0 = at + whh0; this.wcat = wcat.map((o) => at + o); this.bcat = bcat.map((o) => at + o);
    this.head = at + head; this.headB = at + headB; this.h = at + h; this.c = at + c; this.z = at + z; this.tc = at + tc; this.logits = at + logits;
    this.token = token;
    return true;
  }

  /** Feeds token `id`; returns the logits [V] (a buffer reused by the next call). Throws if memory is out. */
  step(id: number): Float32Array {
    const { e, w } = this;
    const { V, H } = w, G = 4 * H;
    if (!(Number.isInteger(id) && id >= 0 && id < V)) throw new Error(`expected a token id in [0, ${V}), got ${id}`);
    if ((this.token === 0 || !residentCurrent(this.token)) && !this.upload()) throw new Error('LstmStackStepper: WebAssembly memory could not grow');
    const s = new Scratch();
    const work = s.takeBytes(e.workspaceBytes(1, G, 2 * H));
    if (!s.commit(e)) throw new Error('LstmStackStepper: WebAssembly memory could not grow');
    const heap = heapF32();
    const hb = 4 * H;
    // layer 0: z = P[id] + h_0 · W_hh0ᵀ
    heap.copyWithin(this.z / 4, this.p / 4 + id * G, this.p / 4 + (id + 1) * G);
    e.sgemm(false, true, 1, G, H, this.h, this.whh0, this.z, true, work);
    e.lstmStep(1, H, this.z, this.c, this.c, this.h, this.tc);
    for (let l = 1; l < this.L; l++) {
      // z = b + [h_{l−1}; h_l] · [W_ih | W_hh]ᵀ, the two h blocks adjacent at h + (l−1)·H
      heap.copyWithin(this.z / 4, this.bcat[l - 1] / 4, this.bcat[l - 1] / 4 + G);
      e.sgemm(false, true, 1, G, 2 * H, this.h + (l - 1) * hb, this.wcat[l - 1], this.z, true, work);
      e.lstmStep(1, H, this.z, this.c + l * hb, this.c + l * hb, this.h + l * hb, this.tc);
    }
    heap.copyWithin(this.logits / 4, this.headB / 4, this.headB / 4 + V);
    e.sgemm(false, true, 1, V, H, this.h + (this.L - 1) * hb, this.head, this.logits, true, work);
    get(this.logits, V, this.out);
    // the state also outside (2·L·H floats): another owner may take the resident block before the next step
    get(this.h, this.hState.length, this.hState);
    get(this.c, this.cState.length, this.cState);
    return this.out;
  }
}
