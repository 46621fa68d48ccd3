// The fused LSTM's forward and backward on the WebAssembly module: the same buffers and results as
// the TypeScript loops in ./fused_lstm.ts (float32 tolerance), with the whole time loop in one call.
// Operands are copied into linear memory once per sequence (W_hh once, not once per step), the
// kernels run there, and what the backward needs comes back into the pooled workspace.
// T = time, B = batch, I = input, H = hidden, G = 4H.

import { Scratch, get, heapF32, put, putI32, type WasmExports } from '../../backend/wasm/module.js';
import type { PackedLayout } from './packed_output.js';
import { addRows } from './fused_common.js';

/** The workspace buffers the wasm loops fill (float32 views of fused_lstm.ts's LstmWorkspace). */
export interface LstmBuffers {
  z: Float32Array;  // [T·B, G]
  c: Float32Array;  // [(T+1)·B, H]
  tc: Float32Array; // [T·B, H]
  dz: Float32Array; // [T·B, G]
  dh: Float32Array; // [B, H]
  dc: Float32Array; // [B, H]
  bias: Float32Array; // [G] the bias gradient Σ_{t,b} dz, filled when the backward is asked for it
  dwhh: Float32Array; // [G, H] dW_hh = dZᵀ · H_prev, filled when the backward is asked for it
}

/**
 * Forward: x [T·B, I], W_ih [G, I], W_hh [G, H], bias [G] or null (b_ih + b_hh), h0 / c0 [B, H] or
 * null; fills ws.z, ws.c, ws.tc and the packed h blocks and c_final of hs. False if memory ran out.
 * W_ih null: x is the input projection already ([T·B, G], I = G), and z starts from it.
 */
export function lstmForwardWasm(
  e: WasmExports, L: PackedLayout, I: number, x: Float32Array, wIh: Float32Array | null, wHh: Float32Array,
  bias: Float32Array | null, h0: Float32Array | null, c0: Float32Array | null, ws: LstmBuffers, hs: Float32Array, lens: Int32Array | null,
): boolean {
  const { T, B, H, block: BH } = L;
  const G = 4 * H, TB = T * B;
  const s = new Scratch();
  const xP = wIh ? s.take(TB * I) : 0, wihP = wIh ? s.take(G * I) : 0, whhP = s.take(G * H), zP = s.take(TB * G);
  const hsP = s.take((T + 1) * BH), cP = s.take((T + 1) * BH), tcP = s.take(TB * H);
  const pw = s.takeBytes(e.packedBBytes(G, H)), lensP = lens ? s.takeBytes(4 * B) : 0;
  const work = s.takeBytes(Math.max(e.workspaceBytes(TB, G, I), e.workspaceBytes(B, G, H)));
  if (!s.commit(e)) return false;
  const heap = heapF32();
  if (lens) putI32(lens, lensP);
  put(wHh, whhP);
  const z0 = zP >> 2;
  if (wIh === null) {
    // z [T·B, G] = the given projection (+ biases)
    put(x, zP, 0, TB * G);
    if (bias !== null) addRows(heap, z0, bias, TB);
  } else {
    // z [T·B, G] = biases, then += X · W_ihᵀ
    put(x, xP); put(wIh, wihP);
    if (bias !== null) for (let r = 0; r < TB; r++) heap.set(bias, z0 + r * G);
    e.sgemm(false, true, TB, G, I, xP, wihP, zP, bias !== null, work);
  }
  const init = L.init * BH;
  if (h0) put(h0, hsP + 4 * init); else heap.fill(0, (hsP >> 2) + init, (hsP >> 2) + init + BH);
  if (c0) put(c0, cP + 4 * init); else heap.fill(0, (cP >> 2) + init, (cP >> 2) + init + BH);
  e.lstmForwardSeq(T, B, H, L.reverse, L.prev, L.seq, zP, hsP, cP, tcP, whhP, pw, work, lensP);
  get(zP, TB * G, ws.z);
  get(cP, (T + 1) * BH, ws.c);
  get(tcP, TB * H, ws.tc);
  get(hsP, (T + 1) * BH, hs);
  get(cP + 4 * L.last * BH, BH, hs, L.cell * BH);
  return true;
}

/**
 * Backward of the time loop: g [(T+2)·B, H] the packed gradient; fills ws.dz, ws.dh (dL/dh_init,
 * when needH0), ws.dc (dL/dc_init), ws.bias when needBias and ws.dwhh when needWhh (both made
 * here, where dz and the h blocks already are, rather than copied in again). False if memory ran out.
 */
export function lstmBackwardWasm(
  e: WasmExports, L: PackedLayout, wHh: Float32Array, ws: LstmBuffers, hs: Float32Array, g: Float32Array, needH0: boolean,
  needBias: boolean, needWhh: boolean, lens: Int32Array | null,
): boolean {
  const { T, B, H, block: BH } = L;
  const G = 4 * H, TB = T * B;
  const s = new Scratch();
  const whhP = s.take(G * H), zP = s.take(TB * G), hsP = s.take((T + 1) * BH), cP = s.take((T + 1) * BH);
  const tcP = s.take(TB * H), gP = s.take((T + 2) * BH), dzP = s.take(TB * G), dhP = s.take(BH), dcP = s.take(BH);
  const biasP = s.take(G), dwP = needWhh ? s.take(G * H) : 0;
  const pw = s.takeBytes(e.packedBBytes(H, G)), lensP = lens ? s.takeBytes(4 * B) : 0, keepP = lens ? s.take(2 * BH) : 0;
  const work = s.takeBytes(Math.max(e.workspaceBytes(B, H, G), needWhh ? e.workspaceBytes(G, H, TB) : 0));
  if (!s.commit(e)) return false;
  if (lens) putI32(lens, lensP);
  put(wHh, whhP); put(ws.z, zP); put(hs, hsP, 0, (T + 1) * BH); put(ws.c, cP); put(ws.tc, tcP); put(g, gP, 0, (T + 2) * BH);
  e.lstmBackwardSeq(T, B, H, L.reverse, L.prev, L.seq, needH0, zP, hsP, cP, tcP, gP, dzP, dhP, dcP, whhP, pw, work, lensP, keepP);
  get(dzP, TB * G, ws.dz);
  get(dhP, BH, ws.dh);
  get(dcP, BH, ws.dc);
  if (needBias) { e.colSums(TB, G, dzP, biasP); get(biasP, G, ws.bias); }
  if (needWhh) {
    // dW_hh [G, H] = dZᵀ [G, T·B] · H_prev [T·B, H]: the T h_prev blocks are contiguous from L.prev
    e.sgemm(true, false, G, H, TB, dzP, hsP + 4 * L.prev * BH, dwP, false, work);
    get(dwP, G * H, ws.dwhh);
  }
  return true;
}
