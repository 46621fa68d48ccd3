// The fused LSTM: one direction of one layer over a whole sequence as a single differentiable op,
// the way cuDNN runs it. Forward projects the inputs of all steps in one matrix product, then per
// step does one product h_{t−1}·W_hhᵀ and the gate math in one pass, keeping the activations;
// backward walks the steps in reverse with one product dGates_t·W_hh each, then gets each weight
// gradient in one product over all steps. Gate order i | f | g | o, as PyTorch (and LSTMCell, the
// generic path it is checked against in test/nn/fused_layers.test.ts).
// T = time, B = batch, I = input, H = hidden, G = 4 gates.

import { allocate, type DType, type FloatArray } from '../../backend/dtype.js';
import { hostGemm } from '../../backend/host_arrays.js';
import type { InputGrad, Tensor } from '../../tensor/tensor.js';
import {
  carryPadded, checkInputs, checkLengths, columnSums, lengthMask, restorePadded, zeroPadded, copyWriter, gemmWriter, inputGradWriter, presentGrads, presentInputs, projectInputs, sumBiases, weightIhGradWriter, workspaceKey,
  type FusedInputs, type FusedOptions,
} from './fused_common.js';
import { PackedLayout, recordPacked, unpack } from './packed_output.js';
import { lease } from './workspace.js';
import { mul } from '../../autograd/ops/elementwise.js';
import { lstmBackwardWasm, lstmForwardWasm, type LstmBuffers } from './fused_lstm_wasm.js';
import { keptRelease, watchDropped, type KeptBlock } from './kept_block.js';
import { needsGrad } from '../../autograd/record.js';
import { fusedWasm } from './wasm_route.js';

// 1/(1 + e^−v) never overflows into NaN: e^−v = ∞ gives 0, as it should.
const sig = (v: number): number => 1 / (1 + Math.exp(-v));

export interface FusedLstmInputs extends FusedInputs {
  /** [B, H]; zeros when null. */
  c0: Tensor | null;
}

interface LstmWorkspace {
  // The big buffers exist only where the host needs them (see host()): on the TypeScript path, or
  // when the wasm path could not keep its activations in linear memory.
  z: FloatArray | null;  // [T·B, 4H] pre-activations, then σ(z_i) | σ(z_f) | tanh(z_g) | σ(z_o), time order
  c: FloatArray | null;  // [(T+1)·B, H] cell states, blocks laid out as the packed h (see PackedLayout)
  tc: FloatArray | null; // [T·B, H] tanh(c_t), time order
  dz: FloatArray | null; // [T·B, 4H] dL/d(pre-activations), time order
  dh: FloatArray;   // [B, H] dL/dh_prev through W_hh, carried one step back
  dc: FloatArray;   // [B, H] dL/dc carried one step back
  bias: FloatArray; // [4H] forward: b_ih + b_hh; backward: the bias gradient Σ_{t,b} dz
  dwhh: FloatArray; // [4H, H] dW_hh, when the wasm backward made it next to dz
  kept: KeptBlock | null; // the forward's activations, when they stayed in linear memory
}

// The host buffers of ws, made on first need.
function host(ws: LstmWorkspace, dtype: DType, T: number, B: number, H: number): { [K in 'z' | 'c' | 'tc' | 'dz']: FloatArray } {
  ws.z ??= allocate(dtype, T * B * 4 * H);
  ws.c ??= allocate(dtype, (T + 1) * B * H);
  ws.tc ??= allocate(dtype, T * B * H);
  ws.dz ??= allocate(dtype, T * B * 4 * H);
  return { z: ws.z, c: ws.c, tc: ws.tc, dz: ws.dz };
}

/**
 * Runs an LSTM direction over x [T, B, I] from (h0, c0). Returns the hidden sequence [T, B, H] (time
 * order also when `reverse`) and the final h and c [B, H]; gradients reach every input from all three.
 */
export function fusedLstm(a: FusedLstmInputs, options: FusedOptions = {}): { output: Tensor; h: Tensor; c: Tensor } {
  const d = checkInputs('fusedLstm', a, 4, a.c0);
  const { T, B, I, H } = d;
  const lens = checkLengths('fusedLstm', options.lengths, T, B);
  const dtype = a.x.dtype;
  const L = new PackedLayout(T, B, H, options.reverse ?? false);
  const [ws, give] = lease<LstmWorkspace>(options.pool ?? null, workspaceKey('lstm', a.x, d), () => ({
    z: null, c: null, tc: null, dz: null, kept: null,
    dh: allocate(dtype, B * H), dc: allocate(dtype, B * H), bias: allocate(dtype, 4 * H), dwhh: allocate(dtype, 4 * H * H),
  }));
  const packed = allocate(dtype, L.size(1)); // [h blocks (T + 1) | c_final], see PackedLayout
  const all = [a.x, a.h0, a.c0, a.weightIh, a.weightHh, a.biasIh, a.biasHh];
  const inputs = presentInputs(all);
  const graph = needsGrad(inputs);
  lstmForward(a, I, L, ws, packed, lens, graph);
  const node = recordPacked('fusedLstm', packed, [packed.length], inputs, (g) => presentGrads(all, lstmBackward(a, I, L, ws, packed, g.read(), lens)), keptRelease(ws, give));
  watchDropped(node, ws);
  const { output, h, c } = unpack(node, L, true);
  return { output: lens ? mul(output, lengthMask(lens, T, a.x)) : output, h, c: c as Tensor };
}

// hs: the packed buffer, whose h blocks hold h_init and h_t; c_final goes to its last block.
// lens: valid steps per row, or null (all T); rows past their length carry h and c unchanged.
// graph: a backward may follow, so the activations must be kept (in linear memory or the host).
function lstmForward(a: FusedLstmInputs, I: number, L: PackedLayout, ws: LstmWorkspace, hs: FloatArray, lens: Int32Array | null, graph: boolean): void {
  const { T, B, H, block: BH } = L;
  const G = 4 * H, H2 = 2 * H, H3 = 3 * H;
  const wHh = a.weightHh.dataSync();
  const e = fusedWasm(a.x.dtype);
  if (e !== null && lstmForwardWasm(
    e, L, I, a.x.dataSync() as Float32Array, (a.weightIh?.dataSync() ?? null) as Float32Array | null, wHh as Float32Array,
    sumBiases(a, ws.bias) ? ws.bias as Float32Array : null, (a.h0?.dataSync() ?? null) as Float32Array | null,
    (a.c0?.dataSync() ?? null) as Float32Array | null, ws as LstmBuffers, hs as Float32Array, lens, a.ids?.data ?? null,
    graph, () => host(ws, a.x.dtype, T, B, H),
  )) return;
  const { z, c, tc } = host(ws, a.x.dtype, T, B, H);
  // z [T·B, 4H] = X [T·B, I] · W_ihᵀ + (b_ih + b_hh)
  projectInputs(a.x.dataSync(), a.weightIh?.dataSync() ?? null, sumBiases(a, ws.bias) ? ws.bias : null, T * B, G, I, z, 0, a.ids?.data ?? null);
  const init = L.init * BH;
  if (a.h0) hs.set(a.h0.dataSync(), init); // hs is new, so zeros otherwise
  if (a.c0) c.set(a.c0.dataSync(), init); else c.fill(0, init, init + BH);
  for (let s = 0; s < T; s++) {
    const t = L.reverse ? T - 1 - s : s;
    const prev = (L.prev + t) * BH, cur = (L.seq + t) * BH, zt = t * B * G, tt = t * BH;
    hostGemm(false, true, B, G, H, hs, prev, wHh, 0, z, zt, true); // z_t += h_{t−1} [B, H] · W_hhᵀ [H, 4H]
    for (let b = 0; b < B; b++) {
      const zo = zt + b * G;
      for (let k = 0, j = b * H; k < H; k++, j++) {
        const ig = sig(z[zo + k]), fg = sig(z[zo + H + k]);
        const gg = Math.tanh(z[zo + H2 + k]), og = sig(z[zo + H3 + k]);
        z[zo + k] = ig; z[zo + H + k] = fg; z[zo + H2 + k] = gg; z[zo + H3 + k] = og;
        const cv = fg * c[prev + j] + ig * gg; // c_t = f ⊙ c_{t−1} + i ⊙ g
        const th = Math.tanh(cv);
        c[cur + j] = cv;
        tc[tt + j] = th;
        hs[cur + j] = og * th; // h_t = o ⊙ tanh(c_t)
      }
    }
    if (lens) { carryPadded(lens, t, H, hs, cur, prev); carryPadded(lens, t, H, c, cur, prev); }
  }
  const last = L.last * BH, cell = L.cell * BH;
  for (let j = 0; j < BH; j++) hs[cell + j] = c[last + j];
}

// g: dL/d(packed), the sum the engine made of the gradients of the sequence, h_final and c_final.
// Returns the gradients of [x, h0, c0, W_ih, W_hh, b_ih, b_hh].
function lstmBackward(a: FusedLstmInputs, I: number, L: PackedLayout, ws: LstmWorkspace, hs: FloatArray, g: FloatArray, lens: Int32Array | null): InputGrad[] {
  const { T, B, H, block: BH } = L;
  const G = 4 * H, H2 = 2 * H, H3 = 3 * H;
  const { dh, dc } = ws;
  const wHh = a.weightHh.dataSync();
  const needH0 = a.h0 !== null && a.h0.requiresGrad;
  const e = fusedWasm(a.x.dtype);
  const needBias = a.biasIh?.requiresGrad === true || a.biasHh?.requiresGrad === true;
  const needWhh = a.weightHh.requiresGrad;
  // A table read by id gets its gradient scatter-added next to dz; otherwise dz comes out.
  const ids = a.ids?.data ?? null;
  const dx = ids && a.x.requiresGrad ? { ids, out: allocate(a.x.dtype, a.x.size) as Float32Array } : null;
  if (!dx) ws.dz ??= allocate(a.x.dtype, T * B * 4 * H); // the wasm backward hands dz out
  // the instance that holds the kept activations, else the current one
  const we = ws.kept?.e ?? e;
  if (we !== null && lstmBackwardWasm(we, L, wHh as Float32Array, ws as LstmBuffers, hs as Float32Array, g as Float32Array, needH0, needBias, needWhh, lens, dx)) {
    return lstmGradients(a, I, L, ws, hs, false, dx?.out ?? null);
  }
  if (ws.kept) throw new Error('fusedLstm: expected WebAssembly memory for the backward of a forward that ran there, but it could not grow');
  const { z, c, tc, dz } = host(ws, a.x.dtype, T, B, H);
  dh.fill(0);
  // rows past their length pass dh and dc straight through: kept here across the step's math
  const keepH = lens ? allocate(a.x.dtype, BH) : null, keepC = lens ? allocate(a.x.dtype, BH) : null;
  const cell = L.cell * BH;
  for (let j = 0; j < BH; j++) dc[j] = g[cell + j];
  for (let s = T - 1; s >= 0; s--) {
    const t = L.reverse ? T - 1 - s : s;
    const prev = (L.prev + t) * BH, cur = (L.seq + t) * BH, zt = t * B * G, tt = t * BH;
    if (lens) for (let b = 0; b < B; b++) {
      if (t < lens[b]) continue;
      for (let j = b * H; j < (b + 1) * H; j++) { keepH![j] = g[cur + j] + dh[j]; keepC![j] = dc[j]; }
    }
    for (let b = 0; b < B; b++) {
      const zo = zt + b * G;
      for (let k = 0, j = b * H; k < H; k++, j++) {
        const ig = z[zo + k], fg = z[zo + H + k], gg = z[zo + H2 + k], og = z[zo + H3 + k], th = tc[tt + j];
        const dhv = g[cur + j] + dh[j];                 // from the outputs and from step t + 1
        const dcv = dc[j] + dhv * og * (1 - th * th);   // dc_t
        dz[zo + k] = dcv * gg * ig * (1 - ig);          // dz_i
        dz[zo + H + k] = dcv * c[prev + j] * fg * (1 - fg); // dz_f
        dz[zo + H2 + k] = dcv * ig * (1 - gg * gg);     // dz_g
        dz[zo + H3 + k] = dhv * th * og * (1 - og);     // dz_o
        dc[j] = dcv * fg;                               // dc_{t−1}
      }
    }
    // dh_{t−1} = dz_t [B, 4H] · W_hh [4H, H] (not needed after the first step unless h0 wants it)
    if (lens) zeroPadded(lens, t, G, dz, zt);
    if (s > 0 || needH0) hostGemm(false, false, B, H, G, dz, zt, wHh, 0, dh, 0, false);
    if (lens) { restorePadded(lens, t, H, keepH!, dh); restorePadded(lens, t, H, keepC!, dc); }
  }
  return lstmGradients(a, I, L, ws, hs, true, null);
}

// The gradients of all inputs from dz (and dh, dc for the initial state) once the time loop is done.
// onHost: the TypeScript loop ran, so ws.bias still has to be summed from dz and dW_hh made here
// (the wasm backward did both next to dz, where it already was).
// dTable: the gradient of a table read by id, when the wasm backward made it (dz stayed there).
function lstmGradients(a: FusedLstmInputs, I: number, L: PackedLayout, ws: LstmWorkspace, hs: FloatArray, onHost: boolean, dTable: FloatArray | null): InputGrad[] {
  const { T, B, H, block: BH } = L;
  const G = 4 * H, TB = T * B;
  const { dh, dc } = ws;
  const dz = ws.dz!; // read only where dTable is null (then host() made it)
  if (onHost && (a.biasIh?.requiresGrad || a.biasHh?.requiresGrad)) columnSums(dz, TB, G, ws.bias);
  return [
    dTable ? copyWriter(dTable) : inputGradWriter(dz, a.weightIh, TB, I, G, a.ids?.data ?? null),           // dX [T·B, I] = dZ [T·B, 4H] · W_ih [4H, I]
    copyWriter(dh),
    copyWriter(dc),
    weightIhGradWriter(dz, a.x, a.weightIh, TB, I, G),    // dW_ih [4H, I] = dZᵀ · X [T·B, I]
    onHost ? gemmWriter(true, false, G, H, TB, dz, hs, L.prev * BH) : copyWriter(ws.dwhh), // dW_hh [4H, H] = dZᵀ · H_prev [T·B, H]
    copyWriter(ws.bias),
    copyWriter(ws.bias),
  ];
}
