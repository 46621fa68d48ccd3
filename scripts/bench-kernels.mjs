// Benchmarks the loss, embedding and optimizer kernels on the sizes of one char-model training step,
// reference TypeScript vs WebAssembly (copies into and out of linear memory included), alternating
// the two call by call so that both see the same machine load, and reports medians. Run after
// building: `node scripts/bench-kernels.mjs [rounds=41]`.
//   cross-entropy: N = 2048 rows, C = 65 classes (forward: log-softmax + nll; backward: gradient rows)
//   embedding: gather / scatter-add of 2048 rows of width 64 against a 65-row table
//   Adam/AdamW (amsgrad off and on) and SGD (momentum + nesterov) on each parameter size of the model

import * as ceRef from '../dist/src/backend/ref/cross_entropy.js';
import * as ceWasm from '../dist/src/backend/wasm/cross_entropy.js';
import * as layoutRef from '../dist/src/backend/ref/layout.js';
import * as gatherWasm from '../dist/src/backend/wasm/gather.js';
import * as optRef from '../dist/src/backend/ref/optim.js';
import * as optWasm from '../dist/src/backend/wasm/optim.js';
import { wasmModule, wasmVariant } from '../dist/src/backend/wasm/module.js';
import { softmaxRows as softmaxRowsWasm } from '../dist/src/backend/wasm/rows.js';

const rounds = Number(process.argv[2] ?? 41);

function rand(n, seed, lo = -1, hi = 1) {
  const a = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; a[i] = lo + (hi - lo) * (s / 2 ** 32); }
  return a;
}
function ints(n, hi, seed) {
  const a = new Int32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; a[i] = s % hi; }
  return a;
}
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[s.length >> 1]; };

// Each round times `reps` calls of ref, then of wasm (order swapped every round); medians in µs/call.
function compare(label, ref, wasm, reps) {
  for (let w = 0; w < 5; w++) { ref(); wasm(); }
  const tr = [], tw = [];
  const time = (f) => { const t0 = performance.now(); for (let r = 0; r < reps; r++) f(); return (performance.now() - t0) * 1e3 / reps; };
  for (let k = 0; k < rounds; k++) {
    if (k % 2 === 0) { tr.push(time(ref)); tw.push(time(wasm)); } else { tw.push(time(wasm)); tr.push(time(ref)); }
  }
  const r = median(tr), w = median(tw);
  console.log(`${label.padEnd(44)} ${r.toFixed(1).padStart(9)} ${w.toFixed(1).padStart(9)} ${(r / w).toFixed(2).padStart(7)}`);
}

if (wasmModule() === null) { console.log('WebAssembly SIMD unavailable here: nothing to compare'); process.exit(0); }
console.log(`wasm build: ${wasmVariant()}; medians of ${rounds} rounds (µs per call)`);
console.log(`${'kernel'.padEnd(44)} ${'ref'.padStart(9)} ${'wasm'.padStart(9)} ${'ref/wasm'.padStart(7)}`);

{
  const N = 2048, C = 65;
  const x = rand(N * C, 1, -4, 4), t = ints(N, C, 2), logp = new Float32Array(N * C), nll = new Float32Array(N);
  const scale = new Float64Array(N).fill(1 / N), gx = new Float32Array(N * C);
  compare(`cross-entropy forward   N=${N} C=${C}`, () => ceRef.crossEntropyForward(x, N, C, t, logp, nll),
    () => ceWasm.crossEntropyForward(x, N, C, t, logp, nll), 5);
  // what the op did before this kernel: wasm log-softmax, then the loss picked out in JavaScript
  const before = () => { softmaxRowsWasm(x, N, C, logp, true); for (let i = 0; i < N; i++) nll[i] = -logp[i * C + t[i]]; };
  compare(`  (before: wasm log-softmax + JS pick)`, before, () => ceWasm.crossEntropyForward(x, N, C, t, logp, nll), 5);
  ceRef.crossEntropyForward(x, N, C, t, logp, nll);
  compare(`cross-entropy backward  N=${N} C=${C}`, () => ceRef.crossEntropyBackward(logp, N, C, t, scale, gx),
    () => ceWasm.crossEntropyBackward(logp, N, C, t, scale, gx), 5);
}
{
  const n = 2048, W = 64, V = 65;
  const table = rand(V * W, 3), idx = ints(n, V, 4), rows = rand(n * W, 5), out = new Float32Array(n * W);
  compare(`gather      ${n}×${W} from [${V}, ${W}]`, () => layoutRef.gatherRows(table, W, idx, out),
    () => gatherWasm.gatherRows(table, W, idx, out, true), 10);
  compare(`scatter-add ${n}×${W} into [${V}, ${W}]`, () => layoutRef.scatterAddRows(rows, W, idx, table),
    () => gatherWasm.scatterAddRows(rows, W, idx, table, true), 10);
}
// the model's parameter sizes, then small ones (where a call's fixed cost decides the threshold)
const sizes = [1_200_000, 262_144, 65_536, 16_640, 4_160, 1_024, 256, 64, 17, 3];
const optims = [
  ['Adam', (p, g, b) => optRef.adamUpdate(p, g, b[0], b[1], null, adamH(false)),
    (p, g, b) => optWasm.adamUpdate(p, g, b[0], b[1], null, adamH(false), 0)],
  ['AdamW amsgrad', (p, g, b) => optRef.adamUpdate(p, g, b[0], b[1], b[2], adamH(true)),
    (p, g, b) => optWasm.adamUpdate(p, g, b[0], b[1], b[2], adamH(true), 0)],
  ['SGD nesterov', (p, g, b) => optRef.sgdUpdate(p, g, b[0], sgdH), (p, g, b) => optWasm.sgdUpdate(p, g, b[0], sgdH, 0)],
];
function adamH(decoupled) {
  return { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 1e-2, decoupled, maximize: false, step: 10 };
}
const sgdH = { lr: 1e-3, momentum: 0.9, dampening: 0, weightDecay: 1e-4, nesterov: true, maximize: false, first: false };
for (const [name, ref, wasm] of optims) {
  for (const n of sizes) {
    const p = rand(n, 6), g = rand(n, 7), b = [rand(n, 8, 0, 0.1), rand(n, 9, 0, 0.01), rand(n, 10, 0, 0.01)];
    const reps = Math.max(1, Math.min(2000, Math.round(2e5 / n)));
    compare(`${name.padEnd(14)} n=${n}`, () => ref(p, g, b), () => wasm(p, g, b), reps);
  }
}
