// Correlations, saturation fractions, text features and spectral radii against hand-computed values.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pearson, unitFeatureCorrelations, topCorrelatedUnits } from '../../src/diagnostics/correlation.js';
import { saturationFractions, fractionHistogram } from '../../src/diagnostics/saturation.js';
import { textFeatures } from '../../src/diagnostics/text_features.js';
import { spectralRadius, recurrentSpectralRadii } from '../../src/diagnostics/spectral_radius.js';
import { LSTMCell } from '../../src/nn/cells/lstm_cell.js';
import { RNNCell } from '../../src/nn/cells/rnn_cell.js';
import { Rng } from '../../src/tensor/random.js';

const close = (a: number, b: number, tol = 1e-9): void => assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);

test('pearson matches hand-computed values', () => {
  close(pearson([1, 2, 3, 4], [2, 4, 6, 8]), 1);
  close(pearson([1, 2, 3, 4], [4, 3, 2, 1]), -1);
  // x̄ = ȳ = 2; Σdxdy = 1, Σdx² = Σdy² = 2 → r = 1/2
  close(pearson([1, 2, 3], [1, 3, 2]), 0.5);
  assert.equal(pearson([1, 1, 1], [1, 2, 3]), 0, 'constant series');
  assert.throws(() => pearson([1, 2], [1]), /equal length/);
  assert.throws(() => pearson([1, NaN], [1, 2]), /finite/);
});

test('unit-feature correlations read the columns of [T, H] activations', () => {
  // T = 4, H = 2: unit 0 = [1, 2, 3, 4], unit 1 = [0, 1, 0, 1]
  const acts = [1, 0, 2, 1, 3, 0, 4, 1];
  const r = unitFeatureCorrelations(acts, 2, { ramp: [10, 20, 30, 40], parity: [0, 1, 0, 1] });
  close(r.ramp[0], 1);
  close(r.parity[1], 1);
  // unit 0 vs parity: dx = [−1.5, −.5, .5, 1.5], dy = [−.5, .5, −.5, .5] → Σ = 1, Σdx² = 5, Σdy² = 1
  close(r.parity[0], 1 / Math.sqrt(5));
  const top = topCorrelatedUnits(r, 2);
  assert.deepEqual(top.map((c) => [c.unit, c.feature]).sort(), [[0, 'ramp'], [1, 'parity']]);
  assert.throws(() => unitFeatureCorrelations(acts, 2, { short: [1, 2] }), /length 4/);
});

test('saturation fractions on hand-set gate values', () => {
  // [N = 4, units = 2]; unit 0 sigmoid-like values; thresholds 0.1 / 0.9
  const v = [0.05, 0.2, 0.5, 0.95, 0.95, 0.92, 0.99, 0.5];
  const s = saturationFractions(v, 2);
  assert.deepEqual([...s.left], [0.25, 0]);
  assert.deepEqual([...s.right], [0.5, 0.5]);
  // tanh values map to (a + 1)/2: −0.95 → 0.025 (left), −0.85 → 0.075 (left), 0 → 0.5, 0.85 → 0.925 (right)
  const t = saturationFractions([-0.95, -0.85, 0, 0.85], 1, 'tanh');
  assert.deepEqual([[...t.left], [...t.right]], [[0.5], [0.25]]);
  // configurable thresholds
  const c = saturationFractions([0.15, 0.5, 0.85], 1, 'sigmoid', { low: 0.2, high: 0.8 });
  assert.deepEqual([[...c.left], [...c.right]], [[1 / 3], [1 / 3]]);
  assert.throws(() => saturationFractions([0.1, 0.2, 0.3], 2), /\[N, 2\]/);
  assert.deepEqual(fractionHistogram([0, 0.05, 0.5, 1, 0.99], 4), [2, 0, 1, 2]);
});

test('text features: quotes, brackets, column, line start', () => {
  const f = textFeatures('a("b")\nc \'d');
  //                      a ( " b " ) \n c space ' d
  assert.deepEqual([...f.insideQuotes], [0, 0, 1, 1, 0, 0, 0, 0, 0, 1, 1]);
  assert.deepEqual([...f.insideBrackets], [0, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0]);
  assert.deepEqual([...f.positionInLine], [0, 1, 2, 3, 4, 5, 6, 0, 1, 2, 3]);
  assert.deepEqual([...f.afterNewline], [1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0]);
  // a newline ends a ' quotation
  assert.deepEqual([...textFeatures("'a\nb").insideQuotes], [1, 1, 0, 0]);
});

test('spectral radius of matrices with known eigenvalues', () => {
  // upper triangular: eigenvalues are the diagonal 0.5, −2, 1.5
  close(spectralRadius([0.5, 3, 1, 0, -2, 4, 0, 0, 1.5], 3), 2, 1e-9);
  // 0.7 × a rotation: eigenvalues ±0.7i
  close(spectralRadius([0, -0.7, 0.7, 0], 2), 0.7, 1e-12);
  // S diag(0.9, −0.3) S⁻¹ with S = [[1, 1], [1, 2]], S⁻¹ = [[2, −1], [−1, 1]]
  // = [[1·0.9·2 + 1·(−0.3)·(−1), 1·0.9·(−1) + (−0.3)·1], [0.9·2 + 2·(−0.3)·(−1), −0.9 + 2·(−0.3)]]
  close(spectralRadius([2.1, -1.2, 2.4, -1.5], 2), 0.9, 1e-12);
});

test('spectral radius of a large matrix (power iteration) with known eigenvalues, and against the exact method', () => {
  // Block diagonal of 2×2 blocks r_k·[[cos θ, −sin θ], [sin θ, cos θ]]: eigenvalues r_k e^{±iθ_k}.
  const n = 100, A = new Float64Array(n * n);
  for (let k = 0; k < n / 2; k++) {
    const r = k === 17 ? 1.2 : 0.2 + 0.8 * (k / (n / 2)), th = 0.3 + k;
    const i = 2 * k;
    A[i * n + i] = r * Math.cos(th); A[i * n + i + 1] = -r * Math.sin(th);
    A[(i + 1) * n + i] = r * Math.sin(th); A[(i + 1) * n + i + 1] = r * Math.cos(th);
  }
  close(spectralRadius(A, n), 1.2, 1e-4);
  close(spectralRadius(A, n, 'exact'), 1.2, 1e-9);
  const rng = new Rng(7);
  const R = Array.from({ length: 80 * 80 }, () => rng.uniform(-0.125, 0.125));
  const exact = spectralRadius(R, 80, 'exact');
  close(spectralRadius(R, 80, 'power'), exact, 1e-4 * exact);
  assert.throws(() => spectralRadius([1, 2, 3], 2), /2×2 matrix/);
});

test('recurrentSpectralRadii reads each gate block of W_hh', () => {
  const lstm = new LSTMCell({ inputSize: 1, hiddenSize: 2 }, { dtype: 'float64' });
  // block g = diag(g + 1, −(g + 1)/2): ρ = g + 1
  const W = lstm.weight_hh.data;
  W.fill(0);
  for (let g = 0; g < 4; g++) { W[g * 4] = g + 1; W[g * 4 + 3] = -(g + 1) / 2; }
  assert.deepEqual(recurrentSpectralRadii(lstm).map((r) => [r.gate, r.radius]), [['i', 1], ['f', 2], ['g', 3], ['o', 4]]);
  const rnn = new RNNCell({ inputSize: 1, hiddenSize: 2 });
  rnn.weight_hh.data.set([0, -0.5, 0.5, 0]);
  const [only] = recurrentSpectralRadii(rnn);
  assert.equal(only.gate, 'hh');
  close(only.radius, 0.5, 1e-6);
});
