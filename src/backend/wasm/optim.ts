// The optimizers' updates on WebAssembly (./assembly/optim.ts), equal bit for bit to the reference
// loops (../ref/optim.ts) on float32. A parameter is streamed through linear memory in chunks of
// CHUNK floats per buffer, so the copies in and out stay in cache instead of doubling the trips to
// main memory. float64, buffers of unequal length, and parameters under `minLength` floats (where a
// call's fixed cost outweighs the loop) go to the reference.

import type { FloatArray } from '../dtype.js';
import { adamUpdate as adamRef, sgdUpdate as sgdRef, type AdamStep, type SgdStep } from '../ref/optim.js';
import { Scratch, get, put, wasmModule } from './module.js';

/** Floats of each buffer per trip through linear memory (5 buffers × 32 KiB stay in L2). */
export const CHUNK = 8192;

/** Parameters shorter than this take the reference by default. */
export const OPTIM_MIN_LENGTH = 128;

function allF32(...xs: (FloatArray | null)[]): boolean {
  const n = xs[0]!.length;
  return xs.every((x) => x === null || (x instanceof Float32Array && x.length === n));
}

/** As ../ref/optim.ts adamUpdate: p, g, m, v, vMax [n] (vMax null without amsgrad); float32 runs in wasm. */
export function adamUpdate(
  p: FloatArray, g: FloatArray, m: FloatArray, v: FloatArray, vMax: FloatArray | null, h: AdamStep,
  minLength = OPTIM_MIN_LENGTH,
): void {
  const e = wasmModule();
  const n = p.length;
  if (e === null || n === 0 || n < minLength || !allF32(p, g, m, v, vMax)) { adamRef(p, g, m, v, vMax, h); return; }
  const s = new Scratch();
  const k = Math.min(n, CHUNK);
  const pP = s.take(k), gP = s.take(k), mP = s.take(k), vP = s.take(k), xP = vMax === null ? 0 : s.take(k);
  if (!s.commit(e)) { adamRef(p, g, m, v, vMax, h); return; }
  // The same constants, computed the same way, as the reference.
  const { lr, eps, weightDecay, decoupled, beta1, beta2, step } = h;
  const stepSize = lr / (1 - beta1 ** step);
  const bc2Sqrt = Math.sqrt(1 - beta2 ** step);
  const decay = 1 - lr * weightDecay;
  const l2 = decoupled ? 0 : weightDecay;
  const sign = h.maximize ? -1 : 1;
  for (let o = 0; o < n; o += CHUNK) {
    const c = Math.min(CHUNK, n - o);
    put(p as Float32Array, pP, o, c); put(g as Float32Array, gP, o, c);
    put(m as Float32Array, mP, o, c); put(v as Float32Array, vP, o, c);
    if (vMax !== null) put(vMax as Float32Array, xP, o, c);
    e.adamUpdate(c, pP, gP, mP, vP, xP, sign, l2, decay, decoupled, beta1, 1 - beta1, beta2, 1 - beta2, stepSize, bc2Sqrt, eps);
    get(pP, c, p as Float32Array, o); get(mP, c, m as Float32Array, o); get(vP, c, v as Float32Array, o);
    if (vMax !== null) get(xP, c, vMax as Float32Array, o);
  }
}

/** As ../ref/optim.ts sgdUpdate: p, g, buf [n] (buf null when μ = 0); float32 runs in wasm. */
export function sgdUpdate(p: FloatArray, g: FloatArray, buf: FloatArray | null, h: SgdStep, minLength = OPTIM_MIN_LENGTH): void {
  const e = wasmModule();
  const n = p.length;
  if (e === null || n === 0 || n < minLength || !allF32(p, g, buf)) { sgdRef(p, g, buf, h); return; }
  const s = new Scratch();
  const k = Math.min(n, CHUNK);
  const pP = s.take(k), gP = s.take(k), bP = buf === null ? 0 : s.take(k);
  if (!s.commit(e)) { sgdRef(p, g, buf, h); return; }
  const sign = h.maximize ? -1 : 1;
  for (let o = 0; o < n; o += CHUNK) {
    const c = Math.min(CHUNK, n - o);
    put(p as Float32Array, pP, o, c); put(g as Float32Array, gP, o, c);
    if (buf !== null && !h.first) put(buf as Float32Array, bP, o, c);
    e.sgdUpdate(c, pP, gP, bP, h.lr, sign, h.weightDecay, h.momentum, 1 - h.dampening, h.nesterov, h.first);
    get(pP, c, p as Float32Array, o);
    if (buf !== null) get(bP, c, buf as Float32Array, o);
  }
}
