// The fused GRU's forward and backward on the WebAssembly module: the same results as the
// TypeScript loops in ./fused_gru.ts (float32 tolerance), the whole time loop in one call, with the
// operands copied into linear memory once per sequence (W_hh once, not once per step). When a graph
// is recorded, the gate activations, h_n and the h blocks stay in a block of linear memory until the
// backward (./kept_block.ts), as the LSTM's do.
// T = time, B = batch, I = input, H = hidden, G = 3H.

import { Scratch, freeBlock, get, heapF32, put, putI32, type WasmExports } from '../../backend/wasm/module.js';
import type { PackedLayout } from './packed_output.js';
import { keepBlock, type KeptBlock } from './kept_block.js';
import { tableGradOut, weightHhGradOut } from './wasm_grads.js';
import { addRows, gatherRowsInto } from './fused_common.js';

/** The workspace buffers the wasm loops fill (float32 views of fused_gru.ts's GruWorkspace). */
export interface GruBuffers {
  zx: Float32Array | null;  // [T·B, G], when the activations are not kept in linear memory
  hn: Float32Array | null;  // [T·B, H]
  bhh: Float32Array; // [G], already set
  dgx: Float32Array | null; // [T·B, G], when the caller needs it
  dgh: Float32Array | null; // [T·B, G], when the caller needs it
  dh: Float32Array;  // [B, H]
  dbih: Float32Array; // [G] Σ_{t,b} dgx, when asked for
  dbhh: Float32Array; // [G] Σ_{t,b} dgh, when asked for
  dwhh: Float32Array; // [G, H] dW_hh = dGhᵀ · H_prev, when asked for
  kept: KeptBlock | null; // zx [T·B, G], hn [T·B, H], hs [(T+1)·B, H], when kept in linear memory
}

/**
 * Forward: x [T·B, I], W_ih [G, I], W_hh [G, H], b_ih [G] or null, h0 [B, H] or null; fills the
 * packed h blocks of hs. keep: a graph is recorded, so the gate activations and h_n stay in a block
 * (ws.kept), or, failing that, come back into ws.zx and ws.hn (host() makes them). False if memory
 * ran out. W_ih null: x is the input projection
 * x·W_ihᵀ + b_ih already ([T·B, G], I = G; b_ih null), or with ids [T·B] a table of such rows
 * [V, G] to read by id; zx starts from it.
 */
export function gruForwardWasm(
  e: WasmExports, L: PackedLayout, I: number, x: Float32Array, wIh: Float32Array | null, wHh: Float32Array,
  bIh: Float32Array | null, h0: Float32Array | null, ws: GruBuffers, hs: Float32Array, lens: Int32Array | null,
  ids: Int32Array | null, keep: boolean, host: () => void,
): boolean {
  const { T, B, H, block: BH } = L;
  const G = 3 * H, TB = T * B;
  const sizes = [TB * G, TB * H, (T + 1) * BH]; // zx, hn, hs
  const kept = keep ? keepBlock(e, sizes) : null;
  const s = new Scratch();
  const [zP, hnP, hsP] = kept ? kept.parts : sizes.map((k) => s.take(k));
  const xP = wIh ? s.take(TB * I) : 0, wihP = wIh ? s.take(G * I) : 0, whhP = s.take(G * H);
  const ghP = s.take(B * G), bP = s.take(G);
  const pw = s.takeBytes(e.packedBBytes(G, H)), lensP = lens ? s.takeBytes(4 * B) : 0;
  const work = s.takeBytes(Math.max(e.workspaceBytes(TB, G, I), e.workspaceBytes(B, G, H)));
  if (!s.commit(e)) { if (kept) freeBlock(e, kept.at); return false; }
  const heap = heapF32();
  if (lens) putI32(lens, lensP);
  put(wHh, whhP); put(ws.bhh, bP);
  const z0 = zP >> 2;
  if (wIh === null) {
    if (ids) gatherRowsInto(heap, z0, x, ids, G); else put(x, zP, 0, TB * G); // zx = the given projection (rows by id)
    if (bIh !== null) addRows(heap, z0, bIh, TB);
  } else {
    put(x, xP); put(wIh, wihP);
    if (bIh !== null) for (let r = 0; r < TB; r++) heap.set(bIh, z0 + r * G);
    e.sgemm(false, true, TB, G, I, xP, wihP, zP, bIh !== null, work); // zx = b_ih + X · W_ihᵀ
  }
  const init = L.init * BH;
  if (h0) put(h0, hsP + 4 * init); else heap.fill(0, (hsP >> 2) + init, (hsP >> 2) + init + BH);
  e.gruForwardSeq(T, B, H, L.reverse, L.prev, L.seq, zP, hnP, hsP, ghP, bP, whhP, pw, work, lensP);
  get(hsP, (T + 1) * BH, hs);
  if (kept) ws.kept = kept;
  else if (keep) {
    host();
    get(zP, TB * G, ws.zx!);
    get(hnP, TB * H, ws.hn!);
  }
  return true;
}

/**
 * Backward of the time loop: g [(T+1)·B, H]; fills ws.dh, ws.dbih / ws.dbhh and ws.dwhh when asked
 * (made here, next to dgx and dgh), ws.dgh on the host only when dW_hh was not asked for, and either
 * ws.dgx (dx: null) or, with dx = { ids, out }, the gradient of a table of projected rows read by id,
 * dgx's rows added into out [V, G]. False if memory ran out.
 */
export function gruBackwardWasm(
  e: WasmExports, L: PackedLayout, wHh: Float32Array, ws: GruBuffers, hs: Float32Array, g: Float32Array, needH0: boolean,
  needBih: boolean, needBhh: boolean, needWhh: boolean, lens: Int32Array | null, dx: { ids: Int32Array; out: Float32Array } | null,
): boolean {
  const { T, B, H, block: BH } = L;
  const G = 3 * H, TB = T * B;
  const kept = ws.kept;
  const s = new Scratch();
  const [zP, hnP, hsP] = kept ? kept.parts : [TB * G, TB * H, (T + 1) * BH].map((k) => s.take(k));
  const whhP = s.take(G * H), gP = s.take((T + 1) * BH);
  const dgxP = s.take(TB * G), dghP = s.take(TB * G), dhP = s.take(BH), biasP = s.take(G), dwP = needWhh ? s.take(G * H) : 0;
  const V = dx ? dx.out.length / G : 0, idsP = dx ? s.takeBytes(4 * TB) : 0, tabP = dx ? s.take(V * G) : 0;
  const pw = s.takeBytes(e.packedBBytes(H, G)), lensP = lens ? s.takeBytes(4 * B) : 0, keepP = lens ? s.take(2 * BH) : 0;
  const work = s.takeBytes(Math.max(e.workspaceBytes(B, H, G), needWhh ? e.workspaceBytes(G, H, TB) : 0));
  if (!s.commit(e)) return false;
  if (lens) putI32(lens, lensP);
  put(wHh, whhP); put(g, gP, 0, (T + 1) * BH);
  if (!kept) { put(ws.zx!, zP); put(ws.hn!, hnP); put(hs, hsP, 0, (T + 1) * BH); }
  e.gruBackwardSeq(T, B, H, L.reverse, L.prev, L.seq, needH0, zP, hnP, hsP, gP, dgxP, dghP, dhP, whhP, pw, work, lensP, keepP);
  if (dx) tableGradOut(e, TB, G, dgxP, dx.ids, idsP, tabP, dx.out);
  else get(dgxP, TB * G, ws.dgx!);
  get(dhP, BH, ws.dh);
  if (needBih) { e.colSums(TB, G, dgxP, biasP); get(biasP, G, ws.dbih); }
  if (needBhh) { e.colSums(TB, G, dghP, biasP); get(biasP, G, ws.dbhh); }
  if (needWhh) weightHhGradOut(e, L, G, dghP, hsP, dwP, work, ws.dwhh);
  else get(dghP, TB * G, ws.dgh!);
  return true;
}
