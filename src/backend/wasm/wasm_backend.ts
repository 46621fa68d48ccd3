// The WebAssembly backend: float32 kernels run in the module (./assembly, 128-bit SIMD) on the
// storages' blocks of linear memory (./heap.ts), so one kernel's output is the next one's input
// where it lies; values cross into JS only when someone reads them. float64 (gradient checks), and
// what the module has no kernel for, run the reference kernels on the host copies, which the
// storages bring up to date in either direction.
//
// Order within a kernel: take every read address first, then the written ones (an overwrite address
// does not copy the old values in, so it must come after reading a storage that is also an input).

import type { Backend, BinaryOp, UnaryOp } from '../backend.js';
import type { Storage } from '../storage.js';
import { refBackend } from '../ref/ref_backend.js';
import { copyRows } from '../ref/layout.js';
import { packedWeight } from './packed_weights.js';
import { wasmFor, wasmPool } from './module.js';
import { partCount, ranges, type PoolFunction } from './pool.js';
import { FINE_PART_BYTES, GEMM_PART_ROWS, GEMM_PARTS_PER_THREAD, PARALLEL_ELEMENTS, PARALLEL_FLOPS, ADAM_COST } from './wasm_backend_limits.js';
import type { WasmHeap } from './heap.js';
import { wasmRecurrent } from './recurrent.js';
import { indicesFit, putIndices } from './indices.js';


// The address to write `o` at: an overwrite when the kernel covers all of it and it is not an input.
function outPtr(h: WasmHeap, o: Storage, covered: number, ...inputs: Storage[]): number {
  return covered === o.length && !inputs.includes(o) ? h.overwritePtr(o) : h.writePtr(o);
}

const SAME_SHAPE_CODES: Partial<Record<BinaryOp, number>> = { add: 0, sub: 1, mul: 2, div: 3 };
const STRIDED_CODES: Partial<Record<BinaryOp, number>> = { add: 0, sub: 1, mul: 2, div: 3, maximum: 4, minimum: 5 };
const UNARY_CODES: Record<UnaryOp, number> = { neg: 0, exp: 1, log: 2, tanh: 3, sigmoid: 4, relu: 5, sqrt: 6, abs: 7, square: 8 };

// i32 arrays laid side by side in one temporary block (shape and strides for a strided kernel), plus
// `scratch` more i32s; returns the block and each array's address, then the scratch's.
function putInts(h: WasmHeap, arrays: readonly (readonly number[])[], scratch: number): [number, number[]] {
  const total = arrays.reduce((n, a) => n + a.length, 0) + scratch;
  const block = h.alloc(4 * Math.max(total, 1));
  const v = h.i32();
  const at: number[] = [];
  let p = block >> 2;
  for (const a of arrays) { at.push(p << 2); for (const x of a) v[p++] = x; }
  at.push(p << 2);
  return [block, at];
}

// Strides of `shape` laid inside `outShape` (right-aligned), 0 along broadcast axes.
function broadcastStrides(shape: readonly number[], outShape: readonly number[]): number[] {
  const rank = outShape.length;
  const strides = new Array<number>(rank).fill(0);
  let s = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    const od = rank - shape.length + d;
    strides[od] = shape[d] === 1 && outShape[od] !== 1 ? 0 : s;
    s *= shape[d];
  }
  return strides;
}

export const wasmBackend: Backend = {
  ...refBackend,
  ...wasmRecurrent,
  name: 'wasm',

  gemm(tA, tB, M, N, K, A, aOff, B, bOff, C, cOff, acc) {
    const m = wasmFor(A, B, C);
    // Windows that run past their storages keep the reference's behaviour (reads give NaN, writes drop).
    if (m === null || aOff < 0 || aOff + M * K > A.length || bOff < 0 || bOff + K * N > B.length || cOff < 0 || cOff + M * N > C.length) {
      refBackend.gemm(tA, tB, M, N, K, A, aOff, B, bOff, C, cOff, acc);
      return;
    }
    if (M === 0 || N === 0) return;
    const [e, h] = m;
    const a = h.readPtr(A) + 4 * aOff, b = h.readPtr(B) + 4 * bOff;
    const c = (acc ? h.writePtr(C) : outPtr(h, C, cOff === 0 ? M * N : -1, A, B)) + 4 * cOff;
    if (M === 1 && tB && bOff === 0) {
      // a batch-1 product with a weight that stays put: one contiguous stream (./packed_weights.ts)
      const pw = packedWeight(e, h, B, N, K);
      if (pw !== 0) { e.gemvPacked(N, K, a, pw, c, acc); return; }
    }
    const pool = 2 * M * N * K >= PARALLEL_FLOPS ? wasmPool() : null;
    const lda = tA ? M : K, ldb = tB ? K : N;
    // Cut C into blocks of rows (or, for few rows, of columns), each computed in place. Many rows: up
    // to GEMM_PARTS_PER_THREAD blocks per thread of at least GEMM_PART_ROWS, taken by whichever thread
    // is free (pool.ts), while a block's workspace is small (FINE_PART_BYTES: each holds its own
    // packed op(B)); a block repacks op(B), which costs N·K against its rows·N·K multiply-adds.
    const fine = pool !== null && e.workspaceBytes(Math.ceil(M / pool.size), N, K) <= FINE_PART_BYTES ? GEMM_PARTS_PER_THREAD : 1;
    const cut = pool === null ? [] : M >= 16 * pool.size
      ? ranges(M, partCount(M, pool.size, fine, GEMM_PART_ROWS), 4, 4)
      : N >= 16 * pool.size ? ranges(N, pool.size, 16, 16) : [];
    if (pool === null || cut.length < 2) {
      const work = h.alloc(e.workspaceBytes(M, N, K));
      e.sgemm(tA, tB, M, N, K, a, b, c, acc, work);
      h.free(work);
      return;
    }
    const byRows = M >= 16 * pool.size;
    const works = cut.map(([lo, hi]) => h.alloc(e.workspaceBytes(byRows ? hi - lo : M, byRows ? N : hi - lo, K)));
    pool.run('sgemmLd', cut.map(([lo, hi], i) => byRows
      ? [+tA, +tB, hi - lo, N, K, a + 4 * (tA ? lo : lo * lda), lda, b, ldb, c + 4 * lo * N, N, +acc, works[i]]
      : [+tA, +tB, M, hi - lo, K, a, lda, b + 4 * (tB ? lo * ldb : lo), ldb, c + 4 * lo, N, +acc, works[i]]));
    for (const w of works) h.free(w);
  },

  binary(op, a, aShape, b, bShape, o, oShape) {
    const m = wasmFor(a, b, o);
    const n = o.length;
    if (m === null || n === 0) { refBackend.binary(op, a, aShape, b, bShape, o, oShape); return; }
    const [e, h] = m;
    const same = SAME_SHAPE_CODES[op];
    if (same !== undefined && a.length === n && b.length === n) {
      const ap = h.readPtr(a), bp = h.readPtr(b), op2 = outPtr(h, o, n, a, b);
      elementwise(n, (lo, hi) => [same, hi - lo, ap + 4 * lo, bp + 4 * lo, op2 + 4 * lo], 'binarySame', e.binarySame);
      return;
    }
    const code = STRIDED_CODES[op];
    // an output that is also a broadcast input would be overwritten while still being read
    if (code === undefined || (o === a && a.length !== n) || (o === b && b.length !== n)) {
      refBackend.binary(op, a, aShape, b, bShape, o, oShape);
      return;
    }
    const shape = oShape.length === 0 ? [1] : oShape;
    const ap = h.readPtr(a), bp = h.readPtr(b), op2 = outPtr(h, o, n, a, b);
    const [block, at] = putInts(h, [shape, broadcastStrides(aShape, shape), broadcastStrides(bShape, shape)], shape.length);
    e.binaryStrided(code, shape.length, at[0], at[1], at[2], ap, bp, op2, at[3]);
    h.free(block);
  },

  sumTo(x, shape, o, oShape) {
    const m = wasmFor(x, o);
    if (m === null || x.length === 0 || o === x) { refBackend.sumTo(x, shape, o, oShape); return; }
    const [e, h] = m;
    const xp = h.readPtr(x), op = h.overwritePtr(o);
    h.f32().fill(0, op >> 2, (op >> 2) + o.length);
    const full = shape.length === 0 ? [1] : shape;
    const [block, at] = putInts(h, [full, broadcastStrides(oShape, full)], full.length);
    e.sumToStrided(full.length, at[0], at[1], xp, op, at[2]);
    h.free(block);
  },

  permute(x, shape, perm, o) {
    const m = wasmFor(x, o);
    if (m === null || x.length === 0 || shape.length === 0 || o === x) { refBackend.permute(x, shape, perm, o); return; }
    const [e, h] = m;
    const rank = shape.length;
    const inStrides = new Array<number>(rank);
    let s = 1;
    for (let d = rank - 1; d >= 0; d--) { inStrides[d] = s; s *= shape[d]; }
    const xp = h.readPtr(x), op = h.overwritePtr(o);
    const [block, at] = putInts(h, [perm.map((p) => shape[p]), perm.map((p) => inStrides[p])], rank);
    e.permuteStrided(rank, at[0], at[1], xp, op, at[2]);
    h.free(block);
  },

  unary(op, x, o) {
    const m = wasmFor(x, o);
    if (m === null || o.length !== x.length) { refBackend.unary(op, x, o); return; }
    const [e, h] = m;
    const xp = h.readPtr(x), op2 = outPtr(h, o, x.length, x), code = UNARY_CODES[op];
    elementwise(x.length, (lo, hi) => [code, hi - lo, xp + 4 * lo, op2 + 4 * lo], 'unaryMap', e.unaryMap);
  },

  unaryBackward(op, x, y, g, gx) {
    const m = wasmFor(x, y, g, gx);
    const n = gx.length;
    if (m === null || x.length !== n || y.length !== n || g.length !== n) { refBackend.unaryBackward(op, x, y, g, gx); return; }
    const [e, h] = m;
    const xp = h.readPtr(x), yp = h.readPtr(y), gp = h.readPtr(g), op2 = outPtr(h, gx, n, x, y, g), code = UNARY_CODES[op];
    elementwise(n, (lo, hi) => [code, hi - lo, xp + 4 * lo, yp + 4 * lo, gp + 4 * lo, op2 + 4 * lo], 'unaryGrad', e.unaryGrad);
  },

  powScalar(x, p, o) {
    const m = wasmFor(x, o);
    if (m === null || o.length !== x.length) { refBackend.powScalar(x, p, o); return; }
    const [e, h] = m;
    const xp = h.readPtr(x);
    e.powConst(x.length, xp, p, outPtr(h, o, x.length, x));
  },

  affineScalar(x, a, b, o) {
    const m = wasmFor(x, o);
    if (m === null || o.length !== x.length) { refBackend.affineScalar(x, a, b, o); return; }
    const [e, h] = m;
    const xp = h.readPtr(x), op = outPtr(h, o, x.length, x);
    elementwise(x.length, (lo, hi) => [hi - lo, xp + 4 * lo, a, b, op + 4 * lo], 'affine', e.affine);
  },

  sumSquares(x) {
    const m = wasmFor(x);
    if (m === null) return refBackend.sumSquares(x);
    const [e, h] = m;
    return e.sumSquares(x.length, h.readPtr(x));
  },

  colSums(x, rows, n, o, acc) {
    const m = wasmFor(x, o);
    if (m === null || rows * n > x.length || n > o.length) { refBackend.colSums(x, rows, n, o, acc); return; }
    const [e, h] = m;
    const xp = h.readPtr(x);
    const op = acc ? h.writePtr(o) : outPtr(h, o, n, x);
    const dstp = acc ? h.alloc(4 * n) : op;
    // each thread sums a range of columns over every row: the same additions, in the same order
    const pool = rows * n >= PARALLEL_ELEMENTS && n >= 64 ? wasmPool() : null;
    const cut = pool === null ? [] : ranges(n, pool.size, 16, 16);
    if (pool !== null && cut.length > 1) pool.run('colSumsRange', cut.map(([lo, hi]) => [rows, hi - lo, n, xp + 4 * lo, dstp + 4 * lo]));
    else e.colSums(rows, n, xp, dstp);
    if (acc) { e.binarySame(0, n, op, dstp, op); h.free(dstp); }
  },

  softmaxRows(x, rows, n, o, log) {
    const m = wasmFor(x, o);
    if (m === null || n === 0 || rows * n > x.length || rows * n > o.length) { refBackend.softmaxRows(x, rows, n, o, log); return; }
    const [e, h] = m;
    const xp = h.readPtr(x), op = outPtr(h, o, rows * n, x);
    byRows(rows, n, (lo, hi) => [hi - lo, n, xp + 4 * lo * n, op + 4 * lo * n, +log], 'softmaxRows', e.softmaxRows);
  },

  copy(src, srcOff, dst, dstOff, n, rows = 1, srcStride = n, dstStride = n) {
    const m = wasmFor(src, dst);
    if (m === null) { refBackend.copy(src, srcOff, dst, dstOff, n, rows, srcStride, dstStride); return; }
    const h = m[1];
    const s = h.readPtr(src) >> 2;
    const covers = dstOff === 0 && src !== dst && rows * n === dst.length && (rows === 1 || dstStride === n);
    const d = (covers ? h.overwritePtr(dst) : h.writePtr(dst)) >> 2;
    const f = h.f32();
    if (rows === 1) f.copyWithin(d + dstOff, s + srcOff, s + srcOff + n);
    else copyRows(f, s + srcOff, srcStride, f, d + dstOff, dstStride, rows, n);
  },

  addInto(src, srcOff, dst, dstOff, n) {
    const m = wasmFor(src, dst);
    if (m === null) { refBackend.addInto(src, srcOff, dst, dstOff, n); return; }
    const [e, h] = m;
    const s = h.readPtr(src) + 4 * srcOff, d = h.writePtr(dst) + 4 * dstOff;
    e.binarySame(0, n, d, s, d);
  },

  fill(x, value, off, n) {
    const m = wasmFor(x);
    if (m === null) { refBackend.fill(x, value, off, n); return; }
    const h = m[1];
    const p = (off === 0 && n === x.length ? h.overwritePtr(x) : h.writePtr(x)) >> 2;
    h.f32().fill(value, p + off, p + off + n);
  },

  gatherRows(table, width, index, o) {
    const m = wasmFor(table, o);
    const n = index.length, V = width > 0 ? Math.floor(table.length / width) : 0;
    if (m === null || width === 0 || n === 0 || o.length < n * width || !indicesFit(index, n, V)) {
      refBackend.gatherRows(table, width, index, o);
      return;
    }
    const [e, h] = m;
    const tp = h.readPtr(table), ip = putIndices(h, index);
    e.gatherRows(n, width, tp, ip, outPtr(h, o, n * width, table));
    h.free(ip);
  },

  scatterAddRows(src, width, index, table) {
    const m = wasmFor(src, table);
    const n = index.length, V = width > 0 ? Math.floor(table.length / width) : 0;
    if (m === null || width === 0 || n === 0 || src.length < n * width || !indicesFit(index, n, V)) {
      refBackend.scatterAddRows(src, width, index, table);
      return;
    }
    const [e, h] = m;
    const sp = h.readPtr(src), ip = putIndices(h, index);
    e.scatterAddRows(n, width, sp, ip, h.writePtr(table));
    h.free(ip);
  },

  crossEntropyForward(x, N, C, targets, logp, nll) {
    const m = wasmFor(x, logp, nll);
    if (m === null || N === 0 || C === 0 || x.length < N * C || logp.length < N * C || nll.length < N || targets.length < N || !targetsFit(targets, N, C)) {
      refBackend.crossEntropyForward(x, N, C, targets, logp, nll);
      return;
    }
    const [e, h] = m;
    const xp = h.readPtr(x), tp = putIndices(h, targets, N), lp = outPtr(h, logp, N * C, x), np = outPtr(h, nll, N, x);
    byRows(N, C, (lo, hi) => [hi - lo, C, xp + 4 * lo * C, tp + 4 * lo, lp + 4 * lo * C, np + 4 * lo], 'crossEntropyForward', e.crossEntropyForward);
    h.free(tp);
  },

  crossEntropyBackward(logp, N, C, targets, scale, gx) {
    const m = wasmFor(logp, gx);
    if (m === null || N === 0 || C === 0 || logp.length < N * C || gx.length < N * C || scale.length < N || targets.length < N || !targetsFit(targets, N, C)) {
      refBackend.crossEntropyBackward(logp, N, C, targets, scale, gx);
      return;
    }
    const [e, h] = m;
    const lp = h.readPtr(logp), tp = putIndices(h, targets, N), sp = h.alloc(4 * N);
    h.f32().set(scale.length === N ? scale : scale.subarray(0, N), sp >> 2); // rounded to float32 on the way in
    const gp = outPtr(h, gx, N * C, logp);
    byRows(N, C, (lo, hi) => [hi - lo, C, lp + 4 * lo * C, tp + 4 * lo, sp + 4 * lo, gp + 4 * lo * C], 'crossEntropyBackward', e.crossEntropyBackward);
    h.free(tp); h.free(sp);
  },

  adamUpdate(p, g, mm, v, vMax, st) {
    const m = wasmFor(p, g, mm, v, vMax);
    const n = p.length;
    if (m === null || n === 0 || g.length !== n || mm.length !== n || v.length !== n || (vMax !== null && vMax.length !== n)) {
      refBackend.adamUpdate(p, g, mm, v, vMax, st);
      return;
    }
    const [e, h] = m;
    // The same constants, computed the same way, as the reference (../ref/optim.ts).
    const { lr, eps, weightDecay, decoupled, beta1, beta2, step } = st;
    const stepSize = lr / (1 - beta1 ** step);
    const bc2Sqrt = Math.sqrt(1 - beta2 ** step);
    const decay = 1 - lr * weightDecay;
    const l2 = decoupled ? 0 : weightDecay;
    const sign = st.maximize ? -1 : 1;
    const gp = h.readPtr(g);
    const pp = h.writePtr(p), mp = h.writePtr(mm), vp = h.writePtr(v), xp = vMax === null ? 0 : h.writePtr(vMax);
    elementwise(n, (lo, hi) => [hi - lo, pp + 4 * lo, gp + 4 * lo, mp + 4 * lo, vp + 4 * lo, xp === 0 ? 0 : xp + 4 * lo,
      sign, l2, decay, +decoupled, beta1, 1 - beta1, beta2, 1 - beta2, stepSize, bc2Sqrt, eps], 'adamUpdate', e.adamUpdate, ADAM_COST);
  },

  sgdUpdate(p, g, buf, st) {
    const m = wasmFor(p, g, buf);
    const n = p.length;
    if (m === null || n === 0 || g.length !== n || (buf !== null && buf.length !== n)) { refBackend.sgdUpdate(p, g, buf, st); return; }
    const [e, h] = m;
    const gp = h.readPtr(g);
    const pp = h.writePtr(p);
    // The first momentum update sets the buffer to g without reading it.
    const bp = buf === null ? 0 : st.first ? h.overwritePtr(buf) : h.writePtr(buf);
    elementwise(n, (lo, hi) => [hi - lo, pp + 4 * lo, gp + 4 * lo, bp === 0 ? 0 : bp + 4 * lo, st.lr, st.maximize ? -1 : 1, st.weightDecay,
      st.momentum, 1 - st.dampening, +st.nesterov, +st.first], 'sgdUpdate', e.sgdUpdate);
  },
};

// An element-wise kernel over n elements: cut into ranges (64-byte aligned) between threads when
// large, from fewer elements for a kernel that costs `cost` adds per element.
function elementwise(n: number, part: (lo: number, hi: number) => number[], fn: PoolFunction, here: (...a: never[]) => unknown, cost = 1): void {
  const pool = n * cost >= PARALLEL_ELEMENTS ? wasmPool() : null;
  const cut = pool === null ? [] : ranges(n, pool.size, 16, 16);
  if (pool !== null && cut.length > 1) pool.run(fn, cut.map(([lo, hi]) => part(lo, hi)));
  else (here as (...a: number[]) => unknown)(...part(0, n));
}

// A kernel over rows of length n: cut into ranges of rows between threads when large.
function byRows(rows: number, n: number, part: (lo: number, hi: number) => number[], fn: PoolFunction, here: (...a: never[]) => unknown): void {
  const pool = rows * n >= PARALLEL_ELEMENTS ? wasmPool() : null;
  const cut = pool === null ? [] : ranges(rows, pool.size, 1, 1);
  if (pool !== null && cut.length > 1) pool.run(fn, cut.map(([lo, hi]) => part(lo, hi)));
  else (here as (...a: number[]) => unknown)(...part(0, rows));
}

// Kept targets must index the row; −1 (any negative) drops it. Anything else stays with the reference.
function targetsFit(targets: Int32Array, N: number, C: number): boolean {
  for (let i = 0; i < N; i++) if (targets[i] >= C) return false;
  return true;
}
