// Element-wise kernels on every backend: same-shape add/sub/mul/div and the affine map equal the
// reference's array kernels bit for bit (one float32 rounding either way), also in place, on lengths
// around the SIMD width (1, 3, 4, 5, 513, 16,387); the sum of squares within float64 rounding of a
// sum written here; broadcasting, pow and float64; copy, addInto and fill on windows; unary maps and
// their derivatives against Math.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ref from '../../src/backend/ref/pointwise.js';
import * as reduceRef from '../../src/backend/ref/reduce.js';
import * as layoutRef from '../../src/backend/ref/layout.js';
import type { UnaryOp } from '../../src/backend/backend.js';
import { Rng } from '../../src/tensor/random.js';
import { dst, onEveryBackend, st, vals } from './suite.js';

const LENGTHS = [1, 3, 4, 5, 513, 16387];

function randArray(rng: Rng, n: number, scale = 3): Float32Array {
  return Float32Array.from({ length: n }, () => scale * rng.uniform(-1, 1));
}

test('same-shape add, sub, mul and div equal the reference bit for bit on every backend, also in place', () => onEveryBackend((be, name) => {
  const rng = new Rng(11);
  for (const n of LENGTHS) for (const op of ['add', 'sub', 'mul', 'div'] as const) {
    const a = randArray(rng, n), b = randArray(rng, n);
    if (op === 'div') b[0] = 0; // x/0 = ±Infinity on both sides
    const want = new Float32Array(n);
    ref.binary(op, a, [n], b, [n], want, [n]);
    const out = st(new Float32Array(n));
    be.binary(op, dst(a, be), [n], st(b), [n], out, [n]);
    assert.deepEqual(vals(out), want, `${name} ${op} n=${n}`);
    const inPlace = dst(a, be);
    be.binary(op, inPlace, [n], st(b), [n], inPlace, [n]);
    assert.deepEqual(vals(inPlace), want, `${name} ${op} n=${n} in place`);
  }
}));

test('binary broadcasts, computes pow, and keeps float64, on every backend', () => onEveryBackend((be, name) => {
  const out = st(new Float32Array(6));
  be.binary('add', dst([1, 2, 3, 4, 5, 6], be), [2, 3], st([10, 20, 30]), [3], out, [2, 3]);
  assert.deepEqual([...vals(out)], [11, 22, 33, 14, 25, 36], name);
  be.binary('pow', st([1, 2, 3, 4, 5, 6]), [6], st([2, 2, 2, 2, 2, 2]), [6], out, [6]);
  assert.deepEqual([...vals(out)], [1, 4, 9, 16, 25, 36], name);
  const y = st([0, 0], 'float64');
  be.binary('add', st([0.1, 0.2], 'float64'), [2], st([0.1, 0.2], 'float64'), [2], y, [2]);
  assert.deepEqual([...vals(y)], [0.2, 0.4], name);
}));

test('the affine map a·x + b equals the reference bit for bit (float64 arithmetic, one rounding) on every backend', () => onEveryBackend((be, name) => {
  const rng = new Rng(12);
  for (const n of LENGTHS) for (const [a, b] of [[0.3, 0], [5 / (7 + 1e-6), 0], [-1.7, 0.25], [1e-30, 1e-38]]) {
    const x = randArray(rng, n);
    const want = new Float32Array(n);
    ref.affineScalar(x, a, b, want);
    const s = dst(x, be);
    be.affineScalar(s, a, b, s);
    assert.deepEqual(vals(s), want, `${name} a=${a} b=${b} n=${n}`);
  }
}));

test('the sum of squares matches a float64 sum on every backend', () => onEveryBackend((be, name) => {
  const rng = new Rng(13);
  for (const n of LENGTHS) {
    const x = randArray(rng, n, 100);
    let exact = 0;
    for (const v of x) exact += v * v;
    const got = be.sumSquares(dst(x, be));
    assert.ok(Math.abs(got - exact) <= 1e-12 * exact, `${name} n=${n}: ${got} vs ${exact}`);
  }
  assert.equal(be.sumSquares(st([3, 4, 12])), 169, name);
  assert.ok(Number.isNaN(be.sumSquares(st([1, NaN, 2, 3, 4]))), name);
  assert.equal(be.sumSquares(st([1, Infinity, 2, 3, 4])), Infinity, name);
}));

test('copy, addInto and fill touch exactly their window on every backend', () => onEveryBackend((be, name) => {
  for (const n of [1, 5, 513]) {
    const a = Float32Array.from({ length: n + 6 }, (_, i) => i + 1), b = Float32Array.from({ length: n + 6 }, (_, i) => -(i + 1) * 0.5);
    const d = dst(b, be);
    be.copy(dst(a, be), 2, d, 3, n);
    const want = b.slice();
    want.set(a.subarray(2, 2 + n), 3);
    assert.deepEqual(vals(d), want, `${name} copy n=${n}`);
    be.addInto(st(a), 1, d, 0, n);
    for (let i = 0; i < n; i++) want[i] = Math.fround(want[i] + a[1 + i]);
    assert.deepEqual(vals(d), want, `${name} addInto n=${n}`);
    be.fill(d, 7.5, 2, n);
    want.fill(7.5, 2, 2 + n);
    assert.deepEqual(vals(d), want, `${name} fill n=${n}`);
    // overlapping copy within one storage moves like copyWithin
    const o = dst(a, be);
    be.copy(o, 0, o, 2, n);
    const w2 = a.slice();
    w2.copyWithin(2, 0, n);
    assert.deepEqual(vals(o), w2, `${name} overlapping copy n=${n}`);
  }
}));

const derivative: Record<UnaryOp, (x: number) => number> = {
  neg: () => -1, exp: Math.exp, log: (x) => 1 / x, tanh: (x) => 1 - Math.tanh(x) ** 2,
  sigmoid: (x) => { const s = 1 / (1 + Math.exp(-x)); return s * (1 - s); },
  relu: (x) => (x > 0 ? 1 : 0), sqrt: (x) => 0.5 / Math.sqrt(x), abs: (x) => Math.sign(x), square: (x) => 2 * x,
};
const value: Record<UnaryOp, (x: number) => number> = {
  neg: (x) => -x, exp: Math.exp, log: Math.log, tanh: Math.tanh, sigmoid: (x) => 1 / (1 + Math.exp(-x)),
  relu: (x) => Math.max(x, 0), sqrt: Math.sqrt, abs: Math.abs, square: (x) => x * x,
};

test('unary maps and their derivatives match Math on every backend (float32 tolerance)', () => onEveryBackend((be, name) => {
  const rng = new Rng(14);
  for (const op of Object.keys(value) as UnaryOp[]) for (const n of [1, 7, 513]) {
    const positive = op === 'log' || op === 'sqrt';
    const x = Float32Array.from({ length: n }, () => (positive ? rng.uniform(0.1, 4) : rng.uniform(-6, 6)));
    const g = randArray(rng, n);
    const xs = dst(x, be), y = st(new Float32Array(n)), gx = st(new Float32Array(n));
    be.unary(op, xs, y);
    be.unaryBackward(op, xs, y, dst(g, be), gx);
    const yv = vals(y), gv = vals(gx);
    for (let i = 0; i < n; i++) {
      const wy = value[op](x[i]), wg = g[i] * derivative[op](x[i]);
      assert.ok(Math.abs(yv[i] - wy) <= 2e-6 * (1 + Math.abs(wy)), `${name} ${op}(${x[i]}) = ${yv[i]}, expected ${wy}`);
      assert.ok(Math.abs(gv[i] - wg) <= 1e-5 * (1 + Math.abs(wg)), `${name} ${op}'(${x[i]})·g = ${gv[i]}, expected ${wg}`);
    }
  }
}));

test('exp keeps a few ulp of relative error over its whole range, and sigmoid and tanh saturate, on every backend', () => onEveryBackend((be, name) => {
  // The gate kernels' exp (vmath.ts: range reduction and polynomial by multiply-adds, 2^n put into the
  // exponent bits) against float64 Math.exp of the same float32 inputs, from e^−87 to e^88.
  const n = 4001;
  const x = Float32Array.from({ length: n }, (_, i) => -87 + (175 * i) / (n - 1));
  const y = st(new Float32Array(n));
  be.unary('exp', dst(x, be), y);
  const yv = vals(y);
  let worst = 0;
  for (let i = 0; i < n; i++) worst = Math.max(worst, Math.abs(yv[i] - Math.exp(x[i])) / Math.exp(x[i]));
  assert.ok(worst <= 3.6e-7, `${name}: exp's largest relative error ${worst}, expected at most 3 ulp (3.6e-7)`);
  const edge = [-100, 100, Number.NaN, -0.0];
  const want = { sigmoid: [0, 1, Number.NaN, 0.5], tanh: [-1, 1, Number.NaN, 0] } as const;
  for (const op of ['sigmoid', 'tanh'] as const) {
    const o = st(new Float32Array(edge.length));
    be.unary(op, dst(Float32Array.from(edge), be), o);
    vals(o).forEach((v, i) => {
      const w = want[op][i];
      assert.ok(Number.isNaN(w) ? Number.isNaN(v) : Math.abs(v - w) <= 1e-30, `${name} ${op}(${edge[i]}) = ${v}, expected ${w}`);
    });
  }
}));

test('powScalar squares exactly and raises to other powers on every backend', () => onEveryBackend((be, name) => {
  const out = st(new Float32Array(4));
  be.powScalar(dst([1.5, -2, 3, 0.25], be), 2, out);
  assert.deepEqual([...vals(out)], [2.25, 4, 9, 0.0625], name);
  be.powScalar(st([4, 9, 16, 0]), 0.5, out);
  assert.deepEqual([...vals(out)], [2, 3, 4, 0], name);
}));

const BROADCASTS: [number[], number[], number[]][] = [
  [[3, 1, 5], [4, 1], [3, 4, 5]], [[4, 1], [3, 1, 5], [3, 4, 5]], [[2, 3], [], [2, 3]], [[], [2, 3], [2, 3]],
  [[2, 1, 4], [1, 3, 1], [2, 3, 4]], [[5], [3, 1], [3, 5]], [[2, 3, 1], [3, 7], [2, 3, 7]], [[64, 33], [33], [64, 33]],
  [[16, 8, 9], [16, 8, 1], [16, 8, 9]], [[0, 3], [1, 3], [0, 3]],
];

test('float32 broadcasting binary ops equal the reference on every backend', () => onEveryBackend((be, name) => {
  const rng = new Rng(21);
  for (const op of ['add', 'sub', 'mul', 'div', 'maximum', 'minimum'] as const) for (const [sa, sb, so] of BROADCASTS) {
    const na = sa.reduce((p, d) => p * d, 1), nb = sb.reduce((p, d) => p * d, 1), n = so.reduce((p, d) => p * d, 1);
    const a = randArray(rng, na), b = randArray(rng, nb).map((v) => (op === 'div' ? v + Math.sign(v) : v));
    if (na > 2) a[1] = NaN; // NaN handling of maximum / minimum follows the reference's comparison
    const want = new Float32Array(n);
    ref.binary(op, a, sa, b, sb, want, so);
    const out = st(new Float32Array(n));
    be.binary(op, dst(a, be), sa, st(b), sb, out, so);
    assert.deepEqual(vals(out), want, `${name} ${op} ${JSON.stringify(sa)} with ${JSON.stringify(sb)}`);
  }
}));

test('float32 sumTo and permute equal the reference on every backend', () => onEveryBackend((be, name) => {
  const rng = new Rng(22);
  const sums: [number[], number[]][] = [
    [[3, 4, 5], [4, 1]], [[3, 4, 5], [3, 1, 5]], [[3, 4, 5], [1, 4, 1]], [[3, 4, 5], [5]], [[3, 4, 5], []],
    [[2048, 65], [65]], [[16, 8, 33], [16, 8, 1]], [[7, 1, 3], [1, 1, 3]],
  ];
  for (const [sx, so] of sums) {
    const n = sx.reduce((p, d) => p * d, 1), m = so.reduce((p, d) => p * d, 1);
    const x = randArray(rng, n);
    const want = new Float32Array(m);
    reduceRef.sumTo(x, sx, want, so);
    const out = dst(new Float32Array(m).fill(99), be);
    be.sumTo(dst(x, be), sx, out, so);
    const got = vals(out);
    for (let i = 0; i < m; i++) assert.ok(Math.abs(got[i] - want[i]) <= 1e-5 * Math.sqrt(n / m) * 3, `${name} sumTo ${JSON.stringify(sx)} -> ${JSON.stringify(so)} [${i}]: ${got[i]} vs ${want[i]}`);
  }
  for (const [shape, perm] of [[[2, 3, 4], [2, 0, 1]], [[32, 64, 17], [1, 0, 2]], [[5, 7], [1, 0]], [[2, 3, 4, 5], [3, 1, 0, 2]]] as const) {
    const n = shape.reduce((p, d) => p * d, 1);
    const x = randArray(rng, n);
    const want = new Float32Array(n);
    layoutRef.permute(x, shape, perm, want);
    const out = st(new Float32Array(n));
    be.permute(dst(x, be), shape, perm, out);
    assert.deepEqual(vals(out), want, `${name} permute ${JSON.stringify(shape)} by ${JSON.stringify(perm)}`);
  }
}));
