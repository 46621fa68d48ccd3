// Data-movement and reduction kernels against loops written here, on every backend: permute for every permutation of
// a rank-3 and some rank-4 shapes, row gather and scatter-add with repeated indices, softmaxRows
// (plain and log) and maxAxis including NaN and -Infinity.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { arrayBackend, onEveryBackend } from './suite.js';
import { allIndices, assertClose, flatIndex, randArray } from '../helpers/tensors.js';

function permutations(n: number): number[][] {
  if (n === 1) return [[0]];
  const out: number[][] = [];
  for (const p of permutations(n - 1)) for (let i = 0; i <= p.length; i++) out.push([...p.slice(0, i), n - 1, ...p.slice(i)]);
  return out;
}

test('permute: out[i0,i1,..] = x[idx with out axis k = x axis perm[k]] for all permutations', () => onEveryBackend((be) => {
  const refBackend = arrayBackend(be);
  const shapes = [[2, 3, 4], [1, 5, 3], [3, 1, 1], [2, 3, 1, 4], [0, 2, 3]];
  let seed = 1;
  for (const shape of shapes) {
    const n = shape.reduce((a, d) => a * d, 1);
    const x = randArray(n, seed++);
    for (const perm of permutations(shape.length)) {
      const outShape = perm.map((p) => shape[p]);
      const out = new Float64Array(n);
      refBackend.permute(x, shape, perm, out);
      const want: number[] = [];
      for (const oi of allIndices(outShape)) {
        const xi = new Array<number>(shape.length);
        perm.forEach((p, k) => { xi[p] = oi[k]; });
        want.push(x[flatIndex(xi, shape)]);
      }
      assert.deepEqual(Array.from(out), want, `shape ${JSON.stringify(shape)} perm ${JSON.stringify(perm)}`);
    }
  }
}));

test('permute of a 2x3 matrix is its transpose (by hand)', () => onEveryBackend((be) => {
  const refBackend = arrayBackend(be);
  const out = new Float64Array(6);
  refBackend.permute(new Float64Array([1, 2, 3, 4, 5, 6]), [2, 3], [1, 0], out);
  assert.deepEqual(Array.from(out), [1, 4, 2, 5, 3, 6]);
}));

test('gatherRows picks rows, repeats included', () => onEveryBackend((be) => {
  const refBackend = arrayBackend(be);
  const table = new Float64Array([0, 1, 10, 11, 20, 21, 30, 31]); // 4 rows of width 2
  const out = new Float64Array(10);
  refBackend.gatherRows(table, 2, new Int32Array([3, 0, 3, 3, 1]), out);
  assert.deepEqual(Array.from(out), [30, 31, 0, 1, 30, 31, 30, 31, 10, 11]);
}));

test('scatterAddRows adds into the table, accumulating repeated indices', () => onEveryBackend((be) => {
  const refBackend = arrayBackend(be);
  const table = new Float64Array([1, 1, 1, 1, 1, 1]); // 3 rows of width 2
  const src = new Float64Array([1, 2, 3, 4, 5, 6, 7, 8]); // 4 rows
  refBackend.scatterAddRows(src, 2, new Int32Array([2, 0, 2, 2]), table);
  // row 0: +[3,4]; row 1: untouched; row 2: +[1,2]+[5,6]+[7,8]
  assert.deepEqual(Array.from(table), [4, 5, 1, 1, 14, 17]);
}));

test('softmaxRows matches exp(x)/Σexp(x) and log-softmax matches x − log Σ exp(x)', () => onEveryBackend((be) => {
  const refBackend = arrayBackend(be);
  const rows = 5, n = 7;
  const x = randArray(rows * n, 3).map((v) => 4 * v);
  for (const dtype of ['float64', 'float32'] as const) {
    const xs = dtype === 'float64' ? x : Float32Array.from(x);
    const sm = dtype === 'float64' ? new Float64Array(rows * n) : new Float32Array(rows * n);
    const lsm = dtype === 'float64' ? new Float64Array(rows * n) : new Float32Array(rows * n);
    refBackend.softmaxRows(xs, rows, n, sm, false);
    refBackend.softmaxRows(xs, rows, n, lsm, true);
    const want: number[] = [], wantLog: number[] = [];
    for (let r = 0; r < rows; r++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += Math.exp(xs[r * n + k]);
      for (let k = 0; k < n; k++) { want.push(Math.exp(xs[r * n + k]) / s); wantLog.push(xs[r * n + k] - Math.log(s)); }
    }
    const tol = dtype === 'float64' ? 1e-14 : 1e-6;
    assertClose(sm, want, tol, 0, `softmax ${dtype}`);
    assertClose(lsm, wantLog, tol, 0, `logSoftmax ${dtype}`);
  }
}));

test('softmaxRows stays finite at ±1000 and a row of equal values is uniform', () => onEveryBackend((be) => {
  const refBackend = arrayBackend(be);
  const x = new Float64Array([1000, 999, -1000, -1000, -1001, 1000, 3, 3, 3]);
  const sm = new Float64Array(9), lsm = new Float64Array(9);
  refBackend.softmaxRows(x, 3, 3, sm, false);
  refBackend.softmaxRows(x, 3, 3, lsm, true);
  const e = Math.exp(-1), z = 1 + e; // row 0: [1, e^-1, 0]/z
  assertClose(sm.subarray(0, 3), [1 / z, e / z, 0], 1e-15);
  assertClose(lsm.subarray(0, 3), [-Math.log(z), -1 - Math.log(z), -2000 - Math.log(z)], 1e-12);
  assertClose(sm.subarray(6), [1 / 3, 1 / 3, 1 / 3], 1e-15);
  for (const v of lsm) assert.ok(Number.isFinite(v));
}));

test('maxAxis returns maxima and first positions over the middle of [outer, size, inner]', () => onEveryBackend((be) => {
  const refBackend = arrayBackend(be);
  const outer = 3, size = 4, inner = 5;
  const x = randArray(outer * size * inner, 8);
  x[(1 * size + 2) * inner + 3] = x[(1 * size + 0) * inner + 3] = 5; // a tie: first position wins
  const out = new Float64Array(outer * inner), arg = new Int32Array(outer * inner);
  refBackend.maxAxis(x, outer, size, inner, out, arg);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let best = -Infinity, at = -1;
      for (let s = 0; s < size; s++) { const v = x[(o * size + s) * inner + i]; if (v > best) { best = v; at = s; } }
      assert.equal(out[o * inner + i], best);
      assert.equal(arg[o * inner + i], at);
    }
  }
  assert.equal(arg[1 * inner + 3], 0);
}));

test('maxAxis propagates NaN (and points at it) and handles all -Infinity', () => onEveryBackend((be) => {
  const refBackend = arrayBackend(be);
  const x = new Float64Array([1, NaN, 3, -Infinity, -Infinity, -Infinity, 2, 7, NaN]);
  const out = new Float64Array(3), arg = new Int32Array(3);
  refBackend.maxAxis(x, 3, 3, 1, out, arg);
  assert.ok(Number.isNaN(out[0]));
  assert.equal(arg[0], 1);
  assert.equal(out[1], -Infinity);
  assert.equal(arg[1], 0);
  assert.ok(Number.isNaN(out[2]));
  assert.equal(arg[2], 2);
}));
