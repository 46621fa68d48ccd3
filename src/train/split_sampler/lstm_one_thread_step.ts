// Batch-1 stepping of an embedding → stacked LSTM → linear head on this thread alone, on the wasm
// module: one LstmSliceStep over all H units of every layer, its rows packed for matrix-vector
// products (gemvPacked) and resident in linear memory. charStepper's wasm path at one thread; with
// two, SplitLstmStackStepper runs two slices. It replaced stepping through the backend's gemm at
// M = 1 (LstmStackStepper, still the path on other backends): 6 rows per packed panel run about
// 1.2–1.6× the in-place product. Like the two-thread sampler's, its weights live in the module's one
// resident block (call_scratch.ts): steppers used in turn each take it back, packing their weights
// again, so interleaving two steppers is correct but slow. L = layers, H = hidden, V = vocabulary.

import type { WasmExports } from '../../backend/wasm/module.js';
import type { LstmStackWeights } from '../lstm_stack_stepper.js';
import { LstmSliceStep, sliceLstmWeights } from './lstm_slice.js';

export class OneThreadLstmStackStepper {
  private readonly slice: LstmSliceStep;
  private h: Float32Array[];      // per layer [H]: the state before this step
  private next: Float32Array[];   // per layer [H]: the step's new h
  private readonly c: Float32Array[]; // per layer [H], updated in place
  private readonly out: Float32Array; // [V]

  constructor(e: WasmExports, private readonly w: LstmStackWeights) {
    const L = w.layers.length, H = w.H;
    this.slice = new LstmSliceStep(e, sliceLstmWeights(w, 0, H), w.headWeight, w.headBias);
    const zeros = (): Float32Array[] => Array.from({ length: L }, () => new Float32Array(H));
    this.h = zeros(); this.next = zeros(); this.c = zeros();
    this.out = new Float32Array(w.V);
  }

  /** Feeds token `id`; returns the logits [V] (a buffer reused by the next call). */
  step(id: number): Float32Array {
    const V = this.w.V, L = this.h.length;
    if (!(Number.isInteger(id) && id >= 0 && id < V)) throw new Error(`expected a token id in [0, ${V}), got ${id}`);
    for (let l = 0; l < L; l++) this.slice.layer(l, id, this.next[Math.max(0, l - 1)], this.h[l], this.c[l], this.next[l]);
    this.slice.logitsOf(this.next[L - 1], this.out);
    [this.h, this.next] = [this.next, this.h];
    return this.out;
  }
}
