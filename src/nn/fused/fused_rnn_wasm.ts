// The fused RNN's time loops on the WebAssembly module: the same results as the TypeScript loops in
// ./fused_rnn.ts (float32 tolerance), the whole loop in one call, W_hh copied and packed once per
// sequence. The input projection stays with the caller (one gemm into the sequence blocks of hs).
// T = time, B = batch, H = hidden.

import { Scratch, get, put, putI32, type WasmExports } from '../../backend/wasm/module.js';
import type { PackedLayout } from './packed_output.js';

/** Forward in place in hs [(T+1)·B, H] (sequence blocks: projections in, h out). False if memory ran out. */
export function rnnForwardWasm(e: WasmExports, L: PackedLayout, wHh: Float32Array, hs: Float32Array, relu: boolean, lens: Int32Array | null): boolean {
  const { T, B, H, block: BH } = L;
  const s = new Scratch();
  const hsP = s.take((T + 1) * BH), whhP = s.take(H * H), pw = s.takeBytes(e.packedBBytes(H, H));
  const lensP = lens ? s.takeBytes(4 * B) : 0, work = s.takeBytes(e.workspaceBytes(B, H, H));
  if (!s.commit(e)) return false;
  if (lens) putI32(lens, lensP);
  put(hs, hsP, 0, (T + 1) * BH); put(wHh, whhP);
  e.rnnForwardSeq(T, B, H, L.reverse, L.prev, L.seq, relu, hsP, whhP, pw, work, lensP);
  get(hsP, (T + 1) * BH, hs);
  return true;
}

/** Backward of the loop: g [(T+1)·B, H]; fills dz [T·B, H] and dh [B, H]. False if memory ran out. */
export function rnnBackwardWasm(
  e: WasmExports, L: PackedLayout, wHh: Float32Array, hs: Float32Array, g: Float32Array, dz: Float32Array, dh: Float32Array,
  needH0: boolean, relu: boolean, lens: Int32Array | null,
): boolean {
  const { T, B, H, block: BH } = L;
  const s = new Scratch();
  const hsP = s.take((T + 1) * BH), gP = s.take((T + 1) * BH), dzP = s.take(T * BH), dhP = s.take(BH), whhP = s.take(H * H);
  const pw = s.takeBytes(e.packedBBytes(H, H)), lensP = lens ? s.takeBytes(4 * B) : 0, keepP = lens ? s.take(BH) : 0;
  const work = s.takeBytes(e.workspaceBytes(B, H, H));
  if (!s.commit(e)) return false;
  if (lens) putI32(lens, lensP);
  put(hs, hsP, 0, (T + 1) * BH); put(g, gP, 0, (T + 1) * BH); put(wHh, whhP);
  e.rnnBackwardSeq(T, B, H, L.reverse, L.seq, needH0, relu, hsP, gP, dzP, dhP, whhP, pw, work, lensP, keepP);
  get(dzP, T * BH, dz);
  get(dhP, BH, dh);
  return true;
}
