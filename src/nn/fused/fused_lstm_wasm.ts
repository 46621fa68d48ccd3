// The fused LSTM's forward and backward on the WebAssembly module: the same results as the
// TypeScript loops in ./fused_lstm.ts (float32 tolerance), with the whole time loop in one call.
// When a graph is recorded, the activations the backward reads (gates, cell states, tanh(c), the h
// blocks) stay in a block of linear memory from the forward to the backward (allocBlock), so only
// the outputs come out and only the output gradient goes in; without a block (memory could not
// grow) they travel through the pooled workspace as before. Operands are copied in once per
// sequence (W_hh once, not once per step).
// T = time, B = batch, I = input, H = hidden, G = 4H.

import { Scratch, freeBlock, get, heapF32, put, putI32, type WasmExports } from '../../backend/wasm/module.js';
import { keepBlock, type KeptBlock } from './kept_block.js';
import { tableGradOut, weightHhGradOut } from './wasm_grads.js';
import type { PackedLayout } from './packed_output.js';
import { addRows, gatherRowsInto } from './fused_common.js';

/** The workspace buffers the wasm loops fill (float32 views of fused_lstm.ts's LstmWorkspace). */
export interface LstmBuffers {
  z: Float32Array | null;  // [T·B, G], when the activations are not kept in linear memory
  c: Float32Array | null;  // [(T+1)·B, H]
  tc: Float32Array | null; // [T·B, H]
  dz: Float32Array | null; // [T·B, G], when the caller needs dz itself
  dh: Float32Array; // [B, H]
  dc: Float32Array; // [B, H]
  bias: Float32Array; // [G] the bias gradient Σ_{t,b} dz, filled when the backward is asked for it
  dwhh: Float32Array; // [G, H] dW_hh = dZᵀ · H_prev, filled when the backward is asked for it
  kept: KeptBlock | null; // z [T·B, G], hs [(T+1)·B, H], c [(T+1)·B, H], tc [T·B, H], when kept in linear memory
}

/**
 * Forward: x [T·B, I], W_ih [G, I], W_hh [G, H], bias [G] or null (b_ih + b_hh), h0 / c0 [B, H] or
 * null; fills the packed h blocks and c_final of hs. keep: a graph is recorded, so the activations
 * stay in a block (ws.kept), or, failing that, come back into host (ws.z, ws.c, ws.tc, which
 * then must exist). False if memory ran out.
 * W_ih null: x is the input projection already ([T·B, G], I = G), or with ids [T·B] a table of
 * projected rows [V, G] to read by id; z starts from it.
 */
export function lstmForwardWasm(
  e: WasmExports, L: PackedLayout, I: number, x: Float32Array, wIh: Float32Array | null, wHh: Float32Array,
  bias: Float32Array | null, h0: Float32Array | null, c0: Float32Array | null, ws: LstmBuffers, hs: Float32Array, lens: Int32Array | null,
  ids: Int32Array | null, keep: boolean, host: () => void,
): boolean {
  const { T, B, H, block: BH } = L;
  const G = 4 * H, TB = T * B;
  const sizes = [TB * G, (T + 1) * BH, (T + 1) * BH, TB * H]; // z, hs, c, tc
  const kept = keep ? keepBlock(e, sizes) : null;
  const s = new Scratch();
  const [zP, hsP, cP, tcP] = kept ? kept.parts : sizes.map((k) => s.take(k));
  const xP = wIh ? s.take(TB * I) : 0, wihP = wIh ? s.take(G * I) : 0, whhP = s.take(G * H);
  const pw = s.takeBytes(e.packedBBytes(G, H)), lensP = lens ? s.takeBytes(4 * B) : 0;
  const work = s.takeBytes(Math.max(e.workspaceBytes(TB, G, I), e.workspaceBytes(B, G, H)));
  if (!s.commit(e)) { if (kept) freeBlock(e, kept.at); return false; }
  const heap = heapF32();
  if (lens) putI32(lens, lensP);
  put(wHh, whhP);
  const z0 = zP >> 2;
  if (wIh === null) {
    // z [T·B, G] = the given projection, or the table's rows by id (+ biases)
    if (ids) gatherRowsInto(heap, z0, x, ids, G); else put(x, zP, 0, TB * G);
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
  get(hsP, (T + 1) * BH, hs);
  get(cP + 4 * L.last * BH, BH, hs, L.cell * BH);
  if (kept) ws.kept = kept;
  else if (keep) {
    host();
    get(zP, TB * G, ws.z!);
    get(cP, (T + 1) * BH, ws.c!);
    get(tcP, TB * H, ws.tc!);
  }
  return true;
}

/**
 * Backward of the time loop: g [(T+2)·B, H] the packed gradient; fills ws.dh (dL/dh_init, when
 * needH0), ws.dc (dL/dc_init), ws.bias when needBias and ws.dwhh when needWhh (both made here, where
 * dz and the h blocks already are), and either ws.dz (dx: null) or, with dx = { ids, out }, the
 * gradient of a table of projected rows read by id, dz's rows added into out [V, G]. Reads the kept
 * activations (e must then be the instance that holds them) or the host copies. False if memory ran out.
 */
export function lstmBackwardWasm(
  e: WasmExports, L: PackedLayout, wHh: Float32Array, ws: LstmBuffers, hs: Float32Array, g: Float32Array, needH0: boolean,
  needBias: boolean, needWhh: boolean, lens: Int32Array | null, dx: { ids: Int32Array; out: Float32Array } | null,
): boolean {
  const { T, B, H, block: BH } = L;
  const G = 4 * H, TB = T * B;
  const kept = ws.kept;
  const s = new Scratch();
  const whhP = s.take(G * H);
  const [zP, hsP, cP, tcP] = kept ? kept.parts : [TB * G, (T + 1) * BH, (T + 1) * BH, TB * H].map((k) => s.take(k));
  const gP = s.take((T + 2) * BH), dzP = s.take(TB * G), dhP = s.take(BH), dcP = s.take(BH);
  const biasP = s.take(G), dwP = needWhh ? s.take(G * H) : 0;
  const V = dx ? dx.out.length / G : 0, idsP = dx ? s.takeBytes(4 * TB) : 0, tabP = dx ? s.take(V * G) : 0;
  const pw = s.takeBytes(e.packedBBytes(H, G)), lensP = lens ? s.takeBytes(4 * B) : 0, keepP = lens ? s.take(2 * BH) : 0;
  const work = s.takeBytes(Math.max(e.workspaceBytes(B, H, G), needWhh ? e.workspaceBytes(G, H, TB) : 0));
  if (!s.commit(e)) return false;
  if (lens) putI32(lens, lensP);
  put(wHh, whhP); put(g, gP, 0, (T + 2) * BH);
  if (!kept) { put(ws.z!, zP); put(hs, hsP, 0, (T + 1) * BH); put(ws.c!, cP); put(ws.tc!, tcP); }
  e.lstmBackwardSeq(T, B, H, L.reverse, L.prev, L.seq, needH0, zP, hsP, cP, tcP, gP, dzP, dhP, dcP, whhP, pw, work, lensP, keepP);
  if (dx) tableGradOut(e, TB, G, dzP, dx.ids, idsP, tabP, dx.out);
  else get(dzP, TB * G, ws.dz!);
  get(dhP, BH, ws.dh);
  get(dcP, BH, ws.dc);
  if (needBias) { e.colSums(TB, G, dzP, biasP); get(biasP, G, ws.bias); }
  if (needWhh) weightHhGradOut(e, L, G, dzP, hsP, dwP, work, ws.dwhh);
  return true;
}
