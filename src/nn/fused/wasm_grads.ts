// Weight and table gradients a fused op's wasm backward makes where its gate gradients already lie
// in linear memory, so that those [T·B, G] buffers never come out. Shared by the LSTM and GRU.
// T = time, B = batch, H = hidden, G = gate blocks · H, V = rows of a table read by id.

import { get, heapF32, putI32, type WasmExports } from '../../backend/wasm/module.js';
import type { PackedLayout } from './packed_output.js';

/**
 * out [V, G] = the rows of dZ [T·B, G] (at dzP) added into the rows they were read from, ids [T·B]:
 * the gradient of a table of projected rows (forwardEmbedded). idsP (4·T·B bytes) and tabP
 * (V·G floats) are scratch.
 */
export function tableGradOut(e: WasmExports, TB: number, G: number, dzP: number, ids: Int32Array, idsP: number, tabP: number, out: Float32Array): void {
  const V = out.length / G;
  heapF32().fill(0, tabP >> 2, (tabP >> 2) + V * G);
  putI32(ids, idsP);
  e.scatterAddRows(TB, G, dzP, idsP, tabP);
  get(tabP, V * G, out);
}

/**
 * out [G, H] = dW_hh = dZᵀ [G, T·B] · H_prev [T·B, H], dZ at dzP and the packed h blocks at hsP (the
 * T h_prev blocks are contiguous from L.prev). dwP (G·H floats) and work (workspaceBytes(G, H, T·B))
 * are scratch.
 */
export function weightHhGradOut(e: WasmExports, L: PackedLayout, G: number, dzP: number, hsP: number, dwP: number, work: number, out: Float32Array): void {
  const TB = L.T * L.B, H = L.H;
  e.sgemm(true, false, G, H, TB, dzP, hsP + 4 * L.prev * L.block, dwP, false, work);
  get(dwP, G * H, out);
}
