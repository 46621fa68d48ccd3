// The fused GRU, PyTorch's reset-after form (the reset gate scales W_hn·h + b_hn): one direction of
// one layer over a whole sequence as a single differentiable op. Forward projects all inputs in one
// product, then per step one product h_{t−1}·W_hhᵀ and the gate math in one pass; backward walks the
// steps in reverse with one product per step, then gets each weight gradient in one product over all
// steps. The reset-before form (Keras) stays on the generic path. Gate order r | z | n.
//   r = σ(x_r + h_r)  z = σ(x_z + h_z)  n = tanh(x_n + r ⊙ h_n)  h' = n + z ⊙ (h − n)
// with x_* = W_i* x + b_i* and h_* = W_h* h + b_h*.
// T = time, B = batch, I = input, H = hidden, G = 3 gates.

import { allocate, type DType, type FloatArray } from '../../backend/dtype.js';
import { hostGemm } from '../../backend/host_arrays.js';
import type { InputGrad, Tensor } from '../../tensor/tensor.js';
import {
  carryPadded, checkInputs, checkLengths, columnSums, lengthMask, restorePadded, zeroPadded, copyWriter, gemmWriter, inputGradWriter, presentGrads, presentInputs, projectInputs, weightIhGradWriter, workspaceKey,
  type FusedInputs, type FusedOptions,
} from './fused_common.js';
import { PackedLayout, recordPacked, unpack } from './packed_output.js';
import { lease } from './workspace.js';
import { mul } from '../../autograd/ops/elementwise.js';
import { gruBackwardWasm, gruForwardWasm, type GruBuffers } from './fused_gru_wasm.js';
import { keptRelease, watchDropped, type KeptBlock } from './kept_block.js';
import { needsGrad } from '../../autograd/record.js';
import { fusedWasm } from './wasm_route.js';

// 1/(1 + e^−v) never overflows into NaN: e^−v = ∞ gives 0, as it should.
const sig = (v: number): number => 1 / (1 + Math.exp(-v));

interface GruWorkspace {
  // The big buffers exist only where the host needs them (see host()).
  zx: FloatArray | null;  // [T·B, 3H] x_r | x_z | x_n, then r | z | n, time order
  hn: FloatArray | null;  // [T·B, H] h_n = W_hn h_{t−1} + b_hn, time order
  gh: FloatArray;  // [B, 3H] the step's h_{t−1}·W_hhᵀ
  bhh: FloatArray; // [3H] b_hh (zeros without bias)
  dgx: FloatArray | null; // [T·B, 3H] dL/d(x_r | x_z | x_n)
  dgh: FloatArray | null; // [T·B, 3H] dL/d(h_r | h_z | h_n)
  dh: FloatArray;  // [B, H] dL/dh_{t−1}, carried one step back
  dbih: FloatArray; // [3H] bias gradients
  dbhh: FloatArray;
  dwhh: FloatArray; // [3H, H] dW_hh, when the wasm backward made it next to dgh
  kept: KeptBlock | null; // the forward's activations, when they stayed in linear memory
}

// The host buffers of ws, made on first need.
function host(ws: GruWorkspace, dtype: DType, T: number, B: number, H: number): { [K in 'zx' | 'hn' | 'dgx' | 'dgh']: FloatArray } {
  ws.zx ??= allocate(dtype, T * B * 3 * H);
  ws.hn ??= allocate(dtype, T * B * H);
  ws.dgx ??= allocate(dtype, T * B * 3 * H);
  ws.dgh ??= allocate(dtype, T * B * 3 * H);
  return { zx: ws.zx, hn: ws.hn, dgx: ws.dgx, dgh: ws.dgh };
}

/**
 * Runs a GRU (reset-after) direction over x [T, B, I] from h0. Returns the hidden sequence
 * [T, B, H] (time order also when `reverse`) and the final h [B, H].
 */
export function fusedGru(a: FusedInputs, options: FusedOptions = {}): { output: Tensor; h: Tensor } {
  const d = checkInputs('fusedGru', a, 3);
  const { T, B, I, H } = d;
  const lens = checkLengths('fusedGru', options.lengths, T, B);
  const dtype = a.x.dtype;
  const L = new PackedLayout(T, B, H, options.reverse ?? false);
  const [ws, give] = lease<GruWorkspace>(options.pool ?? null, workspaceKey('gru', a.x, d), () => ({
    zx: null, hn: null, dgx: null, dgh: null, kept: null, gh: allocate(dtype, B * 3 * H), bhh: allocate(dtype, 3 * H),
    dh: allocate(dtype, B * H), dbih: allocate(dtype, 3 * H), dbhh: allocate(dtype, 3 * H), dwhh: allocate(dtype, 3 * H * H),
  }));
  const packed = allocate(dtype, L.size(0)); // h blocks (T + 1), see PackedLayout
  const all = [a.x, a.h0, a.weightIh, a.weightHh, a.biasIh, a.biasHh];
  const inputs = presentInputs(all);
  gruForward(a, I, L, ws, packed, lens, needsGrad(inputs));
  const node = recordPacked('fusedGru', packed, [packed.length], inputs, (g) => presentGrads(all, gruBackward(a, I, L, ws, packed, g.read(), lens)), keptRelease(ws, give));
  watchDropped(node, ws);
  const { output, h } = unpack(node, L, false);
  return { output: lens ? mul(output, lengthMask(lens, T, a.x)) : output, h };
}

// lens: valid steps per row, or null (all T); rows past their length carry h unchanged.
// graph: a backward may follow, so the activations must be kept (in linear memory or the host).
function gruForward(a: FusedInputs, I: number, L: PackedLayout, ws: GruWorkspace, hs: FloatArray, lens: Int32Array | null, graph: boolean): void {
  const { T, B, H, block: BH } = L;
  const G = 3 * H, H2 = 2 * H;
  const { gh, bhh } = ws;
  const wHh = a.weightHh.dataSync();
  if (a.biasHh) bhh.set(a.biasHh.dataSync()); else bhh.fill(0);
  const e = fusedWasm(a.x.dtype);
  if (e !== null && gruForwardWasm(
    e, L, I, a.x.dataSync() as Float32Array, (a.weightIh?.dataSync() ?? null) as Float32Array | null, wHh as Float32Array,
    (a.biasIh?.dataSync() ?? null) as Float32Array | null, (a.h0?.dataSync() ?? null) as Float32Array | null, ws as GruBuffers, hs as Float32Array, lens,
    a.ids?.data ?? null, graph, () => host(ws, a.x.dtype, T, B, H),
  )) return;
  const { zx, hn } = host(ws, a.x.dtype, T, B, H);
  // zx [T·B, 3H] = X [T·B, I] · W_ihᵀ + b_ih; b_hh stays apart, since r scales h_n with its bias
  projectInputs(a.x.dataSync(), a.weightIh?.dataSync() ?? null, a.biasIh ? a.biasIh.dataSync() : null, T * B, G, I, zx, 0, a.ids?.data ?? null);
  if (a.h0) hs.set(a.h0.dataSync(), L.init * BH);
  for (let s = 0; s < T; s++) {
    const t = L.reverse ? T - 1 - s : s;
    const prev = (L.prev + t) * BH, cur = (L.seq + t) * BH, zt = t * B * G, tt = t * BH;
    hostGemm(false, true, B, G, H, hs, prev, wHh, 0, gh, 0, false); // gh [B, 3H] = h_{t−1} · W_hhᵀ
    for (let b = 0; b < B; b++) {
      const zo = zt + b * G, go = b * G;
      for (let k = 0, j = b * H; k < H; k++, j++) {
        const r = sig(zx[zo + k] + gh[go + k] + bhh[k]);
        const u = sig(zx[zo + H + k] + gh[go + H + k] + bhh[H + k]); // z, the update gate
        const hnv = gh[go + H2 + k] + bhh[H2 + k];
        const n = Math.tanh(zx[zo + H2 + k] + r * hnv);
        zx[zo + k] = r; zx[zo + H + k] = u; zx[zo + H2 + k] = n;
        hn[tt + j] = hnv;
        hs[cur + j] = n + u * (hs[prev + j] - n);
      }
    }
    if (lens) carryPadded(lens, t, H, hs, cur, prev);
  }
}

// g: dL/d(packed). Returns the gradients of [x, h0, W_ih, W_hh, b_ih, b_hh].
function gruBackward(a: FusedInputs, I: number, L: PackedLayout, ws: GruWorkspace, hs: FloatArray, g: FloatArray, lens: Int32Array | null): InputGrad[] {
  const { T, B, H, block: BH } = L;
  const G = 3 * H, H2 = 2 * H;
  const { dh } = ws;
  const wHh = a.weightHh.dataSync();
  const needH0 = a.h0 !== null && a.h0.requiresGrad;
  const e = fusedWasm(a.x.dtype);
  const needBih = a.biasIh?.requiresGrad === true, needBhh = a.biasHh?.requiresGrad === true;
  const needWhh = a.weightHh.requiresGrad;
  // A table read by id gets its gradient scatter-added next to dgx, which then stays in wasm memory.
  const ids = a.ids?.data ?? null;
  const dx = ids && a.x.requiresGrad ? { ids, out: allocate(a.x.dtype, a.x.size) as Float32Array } : null;
  // what the wasm backward hands out instead of using it in place
  if (!dx) ws.dgx ??= allocate(a.x.dtype, T * B * G);
  if (!needWhh) ws.dgh ??= allocate(a.x.dtype, T * B * G);
  // the instance that holds the kept activations, else the current one
  const we = ws.kept?.e ?? e;
  if (we !== null && gruBackwardWasm(we, L, wHh as Float32Array, ws as GruBuffers, hs as Float32Array, g as Float32Array, needH0, needBih, needBhh, needWhh, lens, dx)) {
    return gruGradients(a, I, L, ws, hs, false, dx?.out ?? null);
  }
  if (ws.kept) throw new Error('fusedGru: expected WebAssembly memory for the backward of a forward that ran there, but it could not grow');
  const { zx, hn, dgx, dgh } = host(ws, a.x.dtype, T, B, H);
  dh.fill(0);
  // rows past their length pass dh straight through: kept here across the step's math
  const keepH = lens ? allocate(a.x.dtype, BH) : null;
  for (let s = T - 1; s >= 0; s--) {
    const t = L.reverse ? T - 1 - s : s;
    const prev = (L.prev + t) * BH, cur = (L.seq + t) * BH, zt = t * B * G, tt = t * BH;
    if (lens) for (let b = 0; b < B; b++) if (t >= lens[b]) for (let j = b * H; j < (b + 1) * H; j++) keepH![j] = g[cur + j] + dh[j];
    for (let b = 0; b < B; b++) {
      const zo = zt + b * G;
      for (let k = 0, j = b * H; k < H; k++, j++) {
        const r = zx[zo + k], u = zx[zo + H + k], n = zx[zo + H2 + k];
        const dhv = g[cur + j] + dh[j];
        const dn = dhv * (1 - u) * (1 - n * n);          // dL/d(x_n + r ⊙ h_n)
        const dr = dn * hn[tt + j] * r * (1 - r);
        const du = dhv * (hs[prev + j] - n) * u * (1 - u);
        dgx[zo + k] = dr; dgx[zo + H + k] = du; dgx[zo + H2 + k] = dn;
        dgh[zo + k] = dr; dgh[zo + H + k] = du; dgh[zo + H2 + k] = dn * r;
        dh[j] = dhv * u;                                  // the direct path h' = … + z ⊙ h
      }
    }
    // dh_{t−1} += dgh_t [B, 3H] · W_hh [3H, H]
    if (lens) { zeroPadded(lens, t, G, dgx, zt); zeroPadded(lens, t, G, dgh, zt); restorePadded(lens, t, H, keepH!, dh); }
    if (s > 0 || needH0) hostGemm(false, false, B, H, G, dgh, zt, wHh, 0, dh, 0, true);
  }
  return gruGradients(a, I, L, ws, hs, true, null);
}

// The gradients of all inputs from dgx, dgh (and dh for the initial state) once the time loop is done.
// onHost: the TypeScript loop ran, so the bias gradients and dW_hh are made here (the wasm backward
// made them next to dgx and dgh). dTable: the gradient of a table read by id, made there too.
function gruGradients(a: FusedInputs, I: number, L: PackedLayout, ws: GruWorkspace, hs: FloatArray, onHost: boolean, dTable: FloatArray | null): InputGrad[] {
  const { T, B, H, block: BH } = L;
  const G = 3 * H, TB = T * B;
  const { dh } = ws;
  const dgx = ws.dgx!, dgh = ws.dgh!; // read only on the host path, or where the wasm backward filled them
  if (onHost && a.biasIh?.requiresGrad) columnSums(dgx, TB, G, ws.dbih);
  if (onHost && a.biasHh?.requiresGrad) columnSums(dgh, TB, G, ws.dbhh);
  return [
    dTable ? copyWriter(dTable) : inputGradWriter(dgx, a.weightIh, TB, I, G, a.ids?.data ?? null),          // dX [T·B, I] = dGx [T·B, 3H] · W_ih [3H, I]
    copyWriter(dh),
    weightIhGradWriter(dgx, a.x, a.weightIh, TB, I, G),   // dW_ih [3H, I] = dGxᵀ · X
    onHost ? gemmWriter(true, false, G, H, TB, dgh, hs, L.prev * BH) : copyWriter(ws.dwhh), // dW_hh [3H, H] = dGhᵀ · H_prev [T·B, H]
    copyWriter(ws.dbih),
    copyWriter(ws.dbhh),
  ];
}
