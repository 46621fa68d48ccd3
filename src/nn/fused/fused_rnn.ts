// The fused Elman RNN (tanh or relu): one direction of one layer over a whole sequence as a single
// differentiable op. The input projections of all steps go in one product straight into the output
// blocks, each step adds h_{t−1}·W_hhᵀ there and applies f in place; backward walks the steps in
// reverse with one product per step, then gets each weight gradient in one product over all steps.
//   h_t = f(x_t W_ihᵀ + b_ih + h_{t−1} W_hhᵀ + b_hh)
// T = time, B = batch, I = input, H = hidden (one gate block).

import { allocate, type FloatArray } from '../../backend/dtype.js';
import { hostGemm } from '../../backend/host_arrays.js';
import type { InputGrad, Tensor } from '../../tensor/tensor.js';
import {
  carryPadded, checkInputs, checkLengths, columnSums, lengthMask, restorePadded, zeroPadded, copyWriter, gemmWriter, inputGradWriter, presentGrads, presentInputs, projectInputs, sumBiases, weightIhGradWriter, workspaceKey,
  type FusedInputs, type FusedOptions,
} from './fused_common.js';
import { PackedLayout, recordPacked, unpack } from './packed_output.js';
import { lease } from './workspace.js';
import { mul } from '../../autograd/ops/elementwise.js';
import { rnnBackwardWasm, rnnForwardWasm } from './fused_rnn_wasm.js';
import { fusedWasm } from './wasm_route.js';

interface RnnWorkspace {
  dz: FloatArray;   // [T·B, H] dL/d(pre-activations), time order
  dh: FloatArray;   // [B, H] dL/dh_{t−1} through W_hh, carried one step back
  bias: FloatArray; // [H] forward: b_ih + b_hh; backward: the bias gradient Σ_{t,b} dz
}

/**
 * Runs an RNN direction over x [T, B, I] from h0 with f = tanh or relu. Returns the hidden sequence
 * [T, B, H] (time order also when `reverse`) and the final h [B, H].
 */
export function fusedRnn(a: FusedInputs, nonlinearity: 'tanh' | 'relu', options: FusedOptions = {}): { output: Tensor; h: Tensor } {
  const d = checkInputs('fusedRnn', a, 1);
  const { T, B, I, H } = d;
  const lens = checkLengths('fusedRnn', options.lengths, T, B);
  const dtype = a.x.dtype;
  const relu = nonlinearity === 'relu';
  const L = new PackedLayout(T, B, H, options.reverse ?? false);
  const [ws, release] = lease<RnnWorkspace>(options.pool ?? null, workspaceKey('rnn', a.x, d), () => ({
    dz: allocate(dtype, T * B * H), dh: allocate(dtype, B * H), bias: allocate(dtype, H),
  }));
  const packed = allocate(dtype, L.size(0)); // h blocks (T + 1), see PackedLayout
  rnnForward(a, I, L, ws, packed, relu, lens);
  const all = [a.x, a.h0, a.weightIh, a.weightHh, a.biasIh, a.biasHh];
  const node = recordPacked(`fusedRnn_${nonlinearity}`, packed, [packed.length], presentInputs(all), (g) => presentGrads(all, rnnBackward(a, I, L, ws, packed, g.read(), relu, lens)), release);
  const { output, h } = unpack(node, L, false);
  return { output: lens ? mul(output, lengthMask(lens, T, a.x)) : output, h };
}

// lens: valid steps per row, or null (all T); rows past their length carry h unchanged.
function rnnForward(a: FusedInputs, I: number, L: PackedLayout, ws: RnnWorkspace, hs: FloatArray, relu: boolean, lens: Int32Array | null): void {
  const { T, B, H, block: BH } = L;
  const wHh = a.weightHh.dataSync();
  // the T sequence blocks of hs [T·B, H] = X [T·B, I] · W_ihᵀ + (b_ih + b_hh)
  projectInputs(a.x.dataSync(), a.weightIh?.dataSync() ?? null, sumBiases(a, ws.bias) ? ws.bias : null, T * B, H, I, hs, L.seq * BH, a.ids?.data ?? null);
  if (a.h0) hs.set(a.h0.dataSync(), L.init * BH);
  const e = fusedWasm(a.x.dtype);
  if (e !== null && rnnForwardWasm(e, L, wHh as Float32Array, hs as Float32Array, relu, lens)) return;
  for (let s = 0; s < T; s++) {
    const t = L.reverse ? T - 1 - s : s;
    const prev = (L.prev + t) * BH, cur = (L.seq + t) * BH;
    hostGemm(false, true, B, H, H, hs, prev, wHh, 0, hs, cur, true); // pre_t += h_{t−1} · W_hhᵀ (other blocks)
    if (relu) for (let j = cur; j < cur + BH; j++) hs[j] = hs[j] > 0 ? hs[j] : 0;
    else for (let j = cur; j < cur + BH; j++) hs[j] = Math.tanh(hs[j]);
    if (lens) carryPadded(lens, t, H, hs, cur, prev);
  }
}

// g: dL/d(packed). Returns the gradients of [x, h0, W_ih, W_hh, b_ih, b_hh].
function rnnBackward(a: FusedInputs, I: number, L: PackedLayout, ws: RnnWorkspace, hs: FloatArray, g: FloatArray, relu: boolean, lens: Int32Array | null): InputGrad[] {
  const { T, B, H, block: BH } = L;
  const { dz, dh } = ws;
  const wHh = a.weightHh.dataSync();
  const needH0 = a.h0 !== null && a.h0.requiresGrad;
  const e = fusedWasm(a.x.dtype);
  if (e !== null && rnnBackwardWasm(e, L, wHh as Float32Array, hs as Float32Array, g as Float32Array, dz as Float32Array, dh as Float32Array, needH0, relu, lens)) {
    return rnnGradients(a, I, L, ws, hs);
  }
  dh.fill(0);
  // rows past their length pass dh straight through: kept here across the step's math
  const keepH = lens ? allocate(a.x.dtype, BH) : null;
  for (let s = T - 1; s >= 0; s--) {
    const t = L.reverse ? T - 1 - s : s;
    const cur = (L.seq + t) * BH, zt = t * BH;
    if (lens) for (let b = 0; b < B; b++) if (t >= lens[b]) for (let j = b * H; j < (b + 1) * H; j++) keepH![j] = g[cur + j] + dh[j];
    // dz_t = (g_t + dh) ⊙ f'(pre_t), f' from h_t: 1 − h² (tanh), [h > 0] (relu, as pre > 0)
    if (relu) for (let j = 0; j < BH; j++) dz[zt + j] = hs[cur + j] > 0 ? g[cur + j] + dh[j] : 0;
    else for (let j = 0; j < BH; j++) { const h = hs[cur + j]; dz[zt + j] = (g[cur + j] + dh[j]) * (1 - h * h); }
    if (lens) zeroPadded(lens, t, H, dz, zt);
    if (s > 0 || needH0) hostGemm(false, false, B, H, H, dz, zt, wHh, 0, dh, 0, false); // dh_{t−1} = dz_t · W_hh
    if (lens) restorePadded(lens, t, H, keepH!, dh);
  }
  return rnnGradients(a, I, L, ws, hs);
}

// The gradients of all inputs from dz (and dh for the initial state) once the time loop is done.
function rnnGradients(a: FusedInputs, I: number, L: PackedLayout, ws: RnnWorkspace, hs: FloatArray): InputGrad[] {
  const { T, B, H, block: BH } = L;
  const { dz, dh } = ws;
  const TB = T * B;
  if (a.biasIh?.requiresGrad || a.biasHh?.requiresGrad) columnSums(dz, TB, H, ws.bias);
  return [
    inputGradWriter(dz, a.weightIh, TB, I, H, a.ids?.data ?? null),           // dX [T·B, I] = dZ [T·B, H] · W_ih [H, I]
    copyWriter(dh),
    weightIhGradWriter(dz, a.x, a.weightIh, TB, I, H),    // dW_ih [H, I] = dZᵀ · X
    gemmWriter(true, false, H, H, TB, dz, hs, L.prev * BH),  // dW_hh [H, H] = dZᵀ · H_prev [T·B, H]
    copyWriter(ws.bias),
    copyWriter(ws.bias),
  ];
}
