// The WebGPU backend: float32 kernels in WGSL (./kernels) on storages held in GPU buffers
// (./gpu_device.ts); each call is one command submission, and values come back to JS only through
// an asynchronous read.
//
// The synchronous-read problem, and what this backend does about it: WebGPU reads back only through
// mapAsync, while the Backend interface and the tensor API have synchronous reads (Device.download,
// tensor.data / item(), sumSquares' number, maxAxis' Int32Array of positions).
//  - Values stay on the GPU. A synchronous read of values only the GPU holds throws an error naming
//    the asynchronous read (`await tensor.read()`, Storage.readAsync), which brings the host copy
//    up to date; after it, synchronous reads work until a kernel writes the values again.
//  - Kernels whose results are host values (sumSquares, maxAxis) run on the host copy when it is
//    current (the reference kernels), and otherwise throw that same error; sumSquaresTo is the
//    device-output form (the sum written into a storage, read back with the rest).
//  - Host inputs (gather indices, cross-entropy targets and scales, sequence lengths) travel in each
//    call's parameter block: uploads are free of round trips.
//  - float64 storages (gradient checks) never go to the GPU: those calls run the reference kernels.
// So a training step (forward, backward, optimizer) is a chain of submissions with no wait; `fit`
// awaits its loss once per step, and that is the step's only round trip (clipping stays on the
// device; evaluations and checkpoints run on the host from awaited copies, ../../train/host_pass.ts).

import type { Backend, BinaryOp } from '../backend.js';
import type { Storage } from '../storage.js';
import { refBackend } from '../ref/ref_backend.js';
import { broadcastStrides } from '../ref/pointwise.js';
import { gpuOnlyError, type GpuDevice } from './gpu_device.js';
import { grid } from './call.js';
import { encodeGemm, onGpu, submit } from './encode.js';
import { f32Bits } from './shader.js';
import { addIntoBody, affineBody, binaryBody, fillBody, powScalarBody, unaryBody, unaryGradBody } from './kernels/elementwise.js';
import { colSumsBody, crossEntropyBackwardBody, crossEntropyForwardBody, maxAxisBackwardBody, maxAxisBody, softmaxRowsBody, sumSquaresBody, sumToBody } from './kernels/reduce.js';
import { copyRowsBody, gatherRowsBody, permuteBody, scatterAddRowsBody, scatterGroups } from './kernels/layout.js';
import { adamBody, sgdBody } from './kernels/optim.js';
import { webgpuRecurrent } from './recurrent.js';
import { gatherFirst } from '../table_rows.js';

// A host-output kernel on a value only the GPU holds.
function hostOnly(name: string, ...xs: Storage[]): boolean {
  for (const x of xs) if (x.root.devValid && !x.root.hostValid) throw gpuOnlyError(`${name} returns its result to JS`);
  return true;
}

const shapeOf = (s: readonly number[]): readonly number[] => (s.length === 0 ? [1] : s);

/**
 * The WebGPU backend: call `await initWebGPU()` first (it answers false where there is no adapter),
 * then `setBackend(webgpuBackend)`. Values come back with `await tensor.read()`.
 */
export const webgpuBackend: Backend = {
  ...refBackend,
  ...webgpuRecurrent,
  ...gatherFirst(webgpuRecurrent, () => webgpuBackend),
  name: 'webgpu',
  asyncReadback: true,
  sumSquaresTo: (x, out, outOff) => sumSquaresTo(x, out, outOff),

  gemm(tA, tB, M, N, K, A, aOff, B, bOff, C, cOff, acc) {
    const d = onGpu(A, B, C);
    if (d === null || aOff < 0 || aOff + M * K > A.length || bOff < 0 || bOff + K * N > B.length || cOff < 0 || cOff + M * N > C.length) {
      refBackend.gemm(tA, tB, M, N, K, A, aOff, B, bOff, C, cOff, acc);
      return;
    }
    submit(d, (c) => encodeGemm(c, tA, tB, M, N, K, A, aOff, B, bOff, C, cOff, acc));
  },

  unary(op, x, o) {
    const d = onGpu(x, o);
    if (d === null || o.length !== x.length) { refBackend.unary(op, x, o); return; }
    elementwise(d, `unary:${op}`, () => unaryBody(op), [['x', x, 'read'], ['out', o, 'overwrite']], x.length);
  },

  unaryBackward(op, x, y, g, gx) {
    const d = onGpu(x, y, g, gx);
    const n = gx.length;
    if (d === null || x.length !== n || y.length !== n || g.length !== n) { refBackend.unaryBackward(op, x, y, g, gx); return; }
    elementwise(d, `unaryGrad:${op}`, () => unaryGradBody(op), [['x', x, 'read'], ['y', y, 'read'], ['g', g, 'read'], ['gx', gx, 'overwrite']], n);
  },

  powScalar(x, p, o) {
    const d = onGpu(x, o);
    if (d === null || o.length !== x.length) { refBackend.powScalar(x, p, o); return; }
    elementwise(d, 'powScalar', powScalarBody, [['x', x, 'read'], ['out', o, 'overwrite']], x.length, [f32Bits(p)]);
  },

  affineScalar(x, a, b, o) {
    const d = onGpu(x, o);
    if (d === null || o.length !== x.length) { refBackend.affineScalar(x, a, b, o); return; }
    elementwise(d, 'affine', affineBody, [['x', x, 'read'], ['out', o, 'overwrite']], x.length, [f32Bits(a), f32Bits(b)]);
  },

  binary(op, a, aShape, b, bShape, o, oShape) {
    const d = onGpu(a, b, o);
    const n = o.length;
    // an output that is also a broadcast input would be overwritten while still being read
    if (d === null || (o.root === a.root && a.length !== n) || (o.root === b.root && b.length !== n)) {
      refBackend.binary(op, a, aShape, b, bShape, o, oShape);
      return;
    }
    if (n === 0) return;
    const shape = shapeOf(oShape);
    elementwise(d, `binary:${op as BinaryOp}`, () => binaryBody(op), [['a', a, 'read'], ['b', b, 'read'], ['out', o, 'overwrite']], n,
      [shape.length, ...shape, ...broadcastStrides(aShape, shape), ...broadcastStrides(bShape, shape)]);
  },

  sumTo(x, shape, o, oShape) {
    const d = onGpu(x, o);
    if (d === null || o.root === x.root) { refBackend.sumTo(x, shape, o, oShape); return; }
    if (x.length === 0) { this.fill(o, 0, 0, o.length); return; }
    const full = shapeOf(shape);
    const strides = contiguousStrides(full);
    const so = broadcastStrides(oShape, full);
    const reduced = so.reduce((r, s, i) => (s === 0 ? r * full[i] : r), 1);
    submit(d, (c) => c.dispatch('sumTo', sumToBody, [['x', x, 'read'], ['out', o, 'overwrite']],
      [o.length, full.length, reduced, ...full, ...strides, ...so], grid(o.length)));
  },

  colSums(x, rows, n, o, acc) {
    const d = onGpu(x, o);
    if (d === null || rows * n > x.length || n > o.length || o.root === x.root) { refBackend.colSums(x, rows, n, o, acc); return; }
    if (n === 0) return;
    submit(d, (c) => c.dispatch('colSums', colSumsBody, [['x', x, 'read'], ['out', o, acc || n !== o.length ? 'write' : 'overwrite']], [n, rows, +acc], grid(n)));
  },

  sumSquares(x) {
    hostOnly('sumSquares', x);
    return refBackend.sumSquares(x);
  },

  maxAxis(x, outer, size, inner, o, arg) {
    hostOnly('maxAxis (its positions are a JS Int32Array)', x);
    refBackend.maxAxis(x, outer, size, inner, o, arg);
  },

  maxAxisTo(x, outer, size, inner, o, pos) {
    const d = onGpu(x, o, pos);
    if (d === null) throw new Error(`maxAxisTo: expected float32 storages, got ${x.dtype}, ${o.dtype} and ${pos.dtype}`);
    const n = outer * inner;
    if (n === 0 || size === 0) return;
    submit(d, (c) => c.dispatch('maxAxis', maxAxisBody, [['x', x, 'read'], ['out', o, n === o.length ? 'overwrite' : 'write'], ['pos', pos, n === pos.length ? 'overwrite' : 'write']],
      [n, size, inner], grid(n)));
  },

  maxAxisBackward(g, pos, outer, size, inner, gx) {
    const d = onGpu(g, pos, gx);
    if (d === null) throw new Error(`maxAxisBackward: expected float32 storages, got ${g.dtype}, ${pos.dtype} and ${gx.dtype}`);
    const n = outer * size * inner;
    if (n === 0) return;
    submit(d, (c) => c.dispatch('maxAxisBackward', maxAxisBackwardBody, [['g', g, 'read'], ['pos', pos, 'read'], ['gx', gx, n === gx.length ? 'overwrite' : 'write']],
      [n, size, inner], grid(n)));
  },

  softmaxRows(x, rows, n, o, log) {
    const d = onGpu(x, o);
    if (d === null || n === 0 || rows * n > x.length || rows * n > o.length) { refBackend.softmaxRows(x, rows, n, o, log); return; }
    if (o.root === x.root && o.offset !== x.offset) { refBackend.softmaxRows(x, rows, n, o, log); return; }
    submit(d, (c) => c.dispatch('softmaxRows', softmaxRowsBody, [['x', x, 'read'], ['out', o, rows * n === o.length ? 'overwrite' : 'write']], [rows, n, +log], grid(rows)));
  },

  permute(x, shape, perm, o) {
    const d = onGpu(x, o);
    if (d === null || x.length === 0 || shape.length === 0 || o.root === x.root) { refBackend.permute(x, shape, perm, o); return; }
    const inStrides = contiguousStrides(shape);
    submit(d, (c) => c.dispatch('permute', permuteBody, [['x', x, 'read'], ['out', o, 'overwrite']],
      [x.length, shape.length, ...perm.map((p) => shape[p]), ...perm.map((p) => inStrides[p])], grid(x.length)));
  },

  copy(src, srcOff, dst, dstOff, n, rows = 1, srcStride = n, dstStride = n) {
    const d = onGpu(src, dst);
    if (d === null || n <= 0 || rows <= 0 || (rows > 1 && src.root === dst.root)) { refBackend.copy(src, srcOff, dst, dstOff, n, rows, srcStride, dstStride); return; }
    if (rows > 1) {
      const covers = dstOff === 0 && dstStride === n && rows * n === dst.length;
      submit(d, (c) => c.dispatch('copyRows', copyRowsBody, [['src', src, 'read', srcOff], ['dst', dst, covers ? 'overwrite' : 'write', covers ? undefined : dstOff]],
        [rows, n, srcStride, dstStride], grid(rows * n)));
      return;
    }
    submit(d, (c) => {
      const s = c.buffer(src, 'read');
      const t = c.buffer(dst, dstOff === 0 && n === dst.length && src.root !== dst.root ? 'overwrite' : 'write');
      const from = 4 * (src.offset + srcOff), to = 4 * (dst.offset + dstOff), bytes = 4 * n;
      if (s !== t) { c.copyBuffer(s, from, t, to, bytes); return; }
      const tmp = c.temp(bytes); // a buffer cannot be copied onto itself: through a temporary
      c.copyBuffer(s, from, tmp, 0, bytes);
      c.copyBuffer(tmp, 0, t, to, bytes);
    });
  },

  addInto(src, srcOff, dst, dstOff, n) {
    const d = onGpu(src, dst);
    if (d === null || n <= 0) { refBackend.addInto(src, srcOff, dst, dstOff, n); return; }
    if (src.root === dst.root && Math.abs(src.offset + srcOff - dst.offset - dstOff) < n && srcOff + src.offset !== dstOff + dst.offset) {
      refBackend.addInto(src, srcOff, dst, dstOff, n); // overlapping windows: the reference's sequential order
      return;
    }
    submit(d, (c) => c.dispatch('addInto', addIntoBody, [['src', src, 'read', srcOff], ['dst', dst, 'write', dstOff]], [n], grid(n)));
  },

  fill(x, value, off, n) {
    const d = onGpu(x);
    if (d === null || n <= 0) { refBackend.fill(x, value, off, n); return; }
    const whole = off === 0 && n === x.length;
    submit(d, (c) => c.dispatch('fill', fillBody, [['x', x, whole ? 'overwrite' : 'write', whole ? undefined : off]], [n, f32Bits(value)], grid(n)));
  },

  gatherRows(table, width, index, o) {
    const d = onGpu(table, o);
    const n = index.length, V = width > 0 ? Math.floor(table.length / width) : 0;
    if (d === null || width === 0 || n === 0 || o.length < n * width || !indicesFit(index, n, V) || o.root === table.root) {
      refBackend.gatherRows(table, width, index, o);
      return;
    }
    const params = new Uint32Array(2 + n);
    params[0] = n; params[1] = width; params.set(index, 2);
    submit(d, (c) => c.dispatch('gatherRows', gatherRowsBody, [['table', table, 'read'], ['out', o, n * width === o.length ? 'overwrite' : 'write']], params, grid(n * width)));
  },

  scatterAddRows(src, width, index, table) {
    const d = onGpu(src, table);
    const n = index.length, V = width > 0 ? Math.floor(table.length / width) : 0;
    if (d === null || width === 0 || n === 0 || src.length < n * width || !indicesFit(index, n, V) || src.root === table.root) {
      refBackend.scatterAddRows(src, width, index, table);
      return;
    }
    const params = scatterGroups(width, index);
    submit(d, (c) => c.dispatch('scatterAddRows', scatterAddRowsBody, [['src', src, 'read'], ['table', table, 'write']], params, grid(params[0] * width)));
  },

  crossEntropyForward(x, N, C, targets, logp, nll) {
    const d = onGpu(x, logp, nll);
    if (d === null || N === 0 || C === 0 || x.length < N * C || logp.length < N * C || nll.length < N || targets.length < N || !targetsFit(targets, N, C)
      || logp.root === x.root || nll.root === x.root) {
      refBackend.crossEntropyForward(x, N, C, targets, logp, nll);
      return;
    }
    const params = new Uint32Array(2 + N);
    params[0] = N; params[1] = C; new Int32Array(params.buffer).set(targets.subarray(0, N), 2);
    submit(d, (c) => c.dispatch('crossEntropyForward', crossEntropyForwardBody,
      [['x', x, 'read'], ['logp', logp, N * C === logp.length ? 'overwrite' : 'write'], ['nll', nll, N === nll.length ? 'overwrite' : 'write']], params, grid(N)));
  },

  crossEntropyBackward(logp, N, C, targets, scale, gx) {
    const d = onGpu(logp, gx);
    if (d === null || N === 0 || C === 0 || logp.length < N * C || gx.length < N * C || scale.length < N || targets.length < N || !targetsFit(targets, N, C)) {
      refBackend.crossEntropyBackward(logp, N, C, targets, scale, gx);
      return;
    }
    const params = new Uint32Array(2 + 2 * N);
    params[0] = N; params[1] = C;
    new Int32Array(params.buffer).set(targets.subarray(0, N), 2);
    new Float32Array(params.buffer).set(scale.subarray(0, N), 2 + N); // rounded to float32 on the way in
    submit(d, (c) => c.dispatch('crossEntropyBackward', crossEntropyBackwardBody,
      [['logp', logp, 'read'], ['gx', gx, N * C === gx.length ? 'overwrite' : 'write']], params, grid(N * C)));
  },

  adamUpdate(p, g, mm, v, vMax, st) {
    const d = onGpu(p, g, mm, v, vMax);
    const n = p.length;
    if (d === null || n === 0 || g.length !== n || mm.length !== n || v.length !== n || (vMax !== null && vMax.length !== n)) {
      refBackend.adamUpdate(p, g, mm, v, vMax, st);
      return;
    }
    // The same constants, computed the same way, as the reference (../ref/optim.ts).
    const { lr, eps, weightDecay, decoupled, beta1, beta2, step } = st;
    const params = [n, f32Bits(st.maximize ? -1 : 1), f32Bits(decoupled ? 0 : weightDecay), f32Bits(1 - lr * weightDecay), +decoupled,
      f32Bits(beta1), f32Bits(1 - beta1), f32Bits(beta2), f32Bits(1 - beta2), f32Bits(lr / (1 - beta1 ** step)), f32Bits(Math.sqrt(1 - beta2 ** step)), f32Bits(eps)];
    const ops: [string, Storage, 'read' | 'write'][] = [['g', g, 'read'], ['p', p, 'write'], ['m', mm, 'write'], ['v', v, 'write']];
    if (vMax !== null) ops.push(['vMax', vMax, 'write']);
    elementwise(d, `adam:${vMax !== null}`, () => adamBody(vMax !== null), ops, n, params.slice(1));
  },

  sgdUpdate(p, g, buf, st) {
    const d = onGpu(p, g, buf);
    const n = p.length;
    if (d === null || n === 0 || g.length !== n || (buf !== null && buf.length !== n)) { refBackend.sgdUpdate(p, g, buf, st); return; }
    const ops: [string, Storage, 'read' | 'write' | 'overwrite'][] = [['g', g, 'read'], ['p', p, 'write']];
    if (buf !== null) ops.push(['buf', buf, st.first ? 'overwrite' : 'write']); // the first update sets buf without reading it
    elementwise(d, `sgd:${buf !== null}`, () => sgdBody(buf !== null), ops, n,
      [f32Bits(st.lr), f32Bits(st.maximize ? -1 : 1), f32Bits(st.weightDecay), f32Bits(st.momentum), f32Bits(1 - st.dampening), +st.nesterov, +st.first]);
  },
};

/**
 * Σ x[i]² into out[outOff], on the GPU: the device-output form of sumSquares (read the result back
 * with the rest, e.g. the loss, instead of waiting for it alone).
 */
export function sumSquaresTo(x: Storage, out: Storage, outOff: number): void {
  const d = onGpu(x, out);
  if (d === null) { out.write()[outOff] = refBackend.sumSquares(x); return; }
  submit(d, (c) => c.dispatch('sumSquares', sumSquaresBody, [['x', x, 'read'], ['out', out, 'write', outOff]], [x.length], [1]));
}

// An element-wise kernel over n elements whose first parameter is n.
function elementwise(d: GpuDevice, key: string, body: string | (() => string), ops: [string, Storage, 'read' | 'write' | 'overwrite'][], n: number, params: number[] = []): void {
  if (n === 0) return;
  submit(d, (c) => c.dispatch(key, body, ops, [n, ...params], grid(n)));
}

function contiguousStrides(shape: readonly number[]): number[] {
  const out = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) { out[i] = s; s *= shape[i]; }
  return out;
}

function indicesFit(index: Int32Array, n: number, V: number): boolean {
  for (let i = 0; i < n; i++) { const r = index[i]; if (!(r >= 0 && r < V)) return false; }
  return true;
}

// Kept targets must index the row; −1 (any negative) drops it. Anything else stays with the reference.
function targetsFit(targets: Int32Array, N: number, C: number): boolean {
  for (let i = 0; i < N; i++) if (targets[i] >= C) return false;
  return true;
}
