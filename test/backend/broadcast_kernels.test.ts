// The binary kernel with NumPy broadcasting and its adjoint sumTo, against loops over explicit
// multi-indices written here, on every backend: shapes of different rank ([3,1,5] with [4,1]),
// scalars, size-1 axes on either side, empty shapes; plus the unary kernels against Math.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { arrayBackend, onEveryBackend } from './suite.js';
import type { BinaryOp, UnaryOp } from '../../src/backend/backend.js';
import { broadcastShapes } from '../../src/tensor/shape.js';
import { allIndices, assertClose, flatIndex, randArray } from '../helpers/tensors.js';

const ref: Record<BinaryOp, (a: number, b: number) => number> = {
  add: (a, b) => a + b, sub: (a, b) => a - b, mul: (a, b) => a * b, div: (a, b) => a / b,
  pow: (a, b) => Math.pow(Math.abs(a), b), maximum: (a, b) => Math.max(a, b), minimum: (a, b) => Math.min(a, b),
};

// the index of an operand entry that out-index `idx` reads, by right-aligned broadcasting
function operandIndex(idx: number[], shape: readonly number[]): number {
  const off = idx.length - shape.length;
  return flatIndex(shape.map((d, i) => (d === 1 ? 0 : idx[off + i])), shape);
}

const pairs: [number[], number[], number[]][] = [
  [[3, 1, 5], [4, 1], [3, 4, 5]],
  [[4, 1], [3, 1, 5], [3, 4, 5]],
  [[2, 3], [], [2, 3]],
  [[], [2, 3], [2, 3]],
  [[], [], []],
  [[2, 3, 4], [2, 3, 4], [2, 3, 4]],
  [[2, 1, 4], [1, 3, 1], [2, 3, 4]],
  [[5], [3, 1], [3, 5]],
  [[1, 1], [1], [1, 1]],
  [[2, 3, 1], [3, 7], [2, 3, 7]],
  [[0, 3], [1, 3], [0, 3]],
];

for (const op of Object.keys(ref) as BinaryOp[]) {
  test(`binary ${op} broadcasts like NumPy`, () => onEveryBackend((be) => {
  const refBackend = arrayBackend(be);
    let seed = 10;
    for (const [sa, sb, so] of pairs) {
      assert.deepEqual(broadcastShapes(sa, sb), so);
      const na = sa.reduce((p, d) => p * d, 1), nb = sb.reduce((p, d) => p * d, 1), n = so.reduce((p, d) => p * d, 1);
      let a = randArray(na, seed++), b = randArray(nb, seed++);
      if (op === 'pow') a = a.map(Math.abs); // keep pow real
      if (op === 'div') b = b.map((v) => v + (v >= 0 ? 0.5 : -0.5));
      const out = new Float64Array(n);
      refBackend.binary(op, a, sa, b, sb, out, so);
      const want: number[] = [];
      for (const idx of allIndices(so)) want.push(ref[op](a[operandIndex(idx, sa)], b[operandIndex(idx, sb)]));
      assertClose(out, want, 1e-15, 1e-15, `${op} ${JSON.stringify(sa)} with ${JSON.stringify(sb)}`);
    }
  }));
}

test('binary in float32 rounds each result to float32', () => onEveryBackend((be) => {
  const refBackend = arrayBackend(be);
  const a = new Float32Array([0.1, 0.2, 0.3]), b = new Float32Array([0.7]);
  const out = new Float32Array(3);
  refBackend.binary('mul', a, [3], b, [1], out, [3]);
  assert.deepEqual(Array.from(out), [0, 1, 2].map((i) => Math.fround(a[i] * b[0])));
}));

test('maximum and minimum on hand values, ties and infinities', () => onEveryBackend((be) => {
  const refBackend = arrayBackend(be);
  const a = new Float64Array([1, -2, 3, -Infinity]), b = new Float64Array([1, 5, -Infinity, 0]);
  const mx = new Float64Array(4), mn = new Float64Array(4);
  refBackend.binary('maximum', a, [4], b, [4], mx, [4]);
  refBackend.binary('minimum', a, [4], b, [4], mn, [4]);
  assert.deepEqual(Array.from(mx), [1, 5, 3, 0]);
  assert.deepEqual(Array.from(mn), [1, -2, -Infinity, -Infinity]);
}));

test('sumTo sums every element into the entry it broadcasts from', () => onEveryBackend((be) => {
  const refBackend = arrayBackend(be);
  const cases: [number[], number[]][] = [
    [[3, 4, 5], [4, 1]], [[3, 4, 5], [3, 1, 5]], [[3, 4, 5], [1, 4, 1]], [[3, 4, 5], [5]], [[3, 4, 5], []],
    [[3, 4, 5], [1]], [[3, 4, 5], [3, 4, 5]], [[2, 3], [2, 1]], [[2, 3], [1, 3]], [[6], [1]], [[0, 3], [3]], [[7, 1, 3], [1, 1, 3]],
  ];
  let seed = 50;
  for (const [sx, so] of cases) {
    const n = sx.reduce((p, d) => p * d, 1), m = so.reduce((p, d) => p * d, 1);
    const x = randArray(n, seed++);
    const out = new Float64Array(m).fill(99); // must be overwritten, not added to
    refBackend.sumTo(x, sx, out, so);
    const want = new Array<number>(m).fill(0);
    let k = 0;
    for (const idx of allIndices(sx)) want[operandIndex(idx, so)] += x[k++];
    assertClose(out, want, 1e-14, 0, `sumTo ${JSON.stringify(sx)} -> ${JSON.stringify(so)}`);
  }
}));

test('sumTo by hand: [[1,2,3],[4,5,6]] to [3], [2,1] and []', () => onEveryBackend((be) => {
  const refBackend = arrayBackend(be);
  const x = new Float64Array([1, 2, 3, 4, 5, 6]);
  const cols = new Float64Array(3), rows = new Float64Array(2), all = new Float64Array(1);
  refBackend.sumTo(x, [2, 3], cols, [3]);
  refBackend.sumTo(x, [2, 3], rows, [2, 1]);
  refBackend.sumTo(x, [2, 3], all, []);
  assert.deepEqual(Array.from(cols), [5, 7, 9]);
  assert.deepEqual(Array.from(rows), [6, 15]);
  assert.deepEqual(Array.from(all), [21]);
}));

test('unary kernels match Math, and sigmoid is finite and exact at the extremes', () => onEveryBackend((be) => {
  const refBackend = arrayBackend(be);
  const x = new Float64Array([-1000, -30, -2.5, -1, -0.25, 0, 0.25, 1, 2.5, 30, 1000]);
  const f: Record<UnaryOp, (v: number) => number> = {
    neg: (v) => -v, exp: Math.exp, log: (v) => Math.log(v), tanh: Math.tanh, sigmoid: (v) => 1 / (1 + Math.exp(-v)),
    relu: (v) => Math.max(v, 0), sqrt: (v) => Math.sqrt(v), abs: Math.abs, square: (v) => v * v,
  };
  for (const op of Object.keys(f) as UnaryOp[]) {
    const out = new Float64Array(x.length);
    refBackend.unary(op, x, out);
    assertClose(out, Array.from(x, f[op]), 1e-15, 1e-14, op);
  }
  const s = new Float64Array(x.length);
  refBackend.unary('sigmoid', x, s);
  assert.equal(s[0], 0);
  assert.equal(s[x.length - 1], 1);
  assert.equal(s[5], 0.5);
}));

test('powScalar and affineScalar', () => onEveryBackend((be) => {
  const refBackend = arrayBackend(be);
  const x = new Float64Array([0, 0.5, 2, 3]);
  const out = new Float64Array(4);
  refBackend.powScalar(x, 2, out);
  assert.deepEqual(Array.from(out), [0, 0.25, 4, 9]);
  refBackend.powScalar(x, 0.5, out);
  assertClose(out, [0, Math.SQRT1_2, Math.SQRT2, Math.sqrt(3)], 1e-15);
  refBackend.affineScalar(x, -2, 1, out);
  assert.deepEqual(Array.from(out), [1, 0, -3, -5]);
}));
