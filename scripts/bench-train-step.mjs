// One char-model training step (forward, cross-entropy, backward, AdamW step), B = 32, T = 64,
// vocabulary 65, embedding 64, LSTM H = 256 (1 layer, or 2 with `layers=2`), on two backends that
// alternate step by step: 'before' = the wasm backend with the cross-entropy gradient, embedding and
// optimizer updates in JavaScript (as before they moved to wasm; the log-softmax was already wasm),
// 'after' = the wasm backend as shipped.
// Reports median wall ms per step and the AdamW step's share. Run after building:
//   node scripts/bench-train-step.mjs [steps per backend = 15] [layers = 1]

import { CharModel } from '../dist/src/train/index.js';
import { crossEntropy } from '../dist/src/nn/index.js';
import { indices } from '../dist/src/autograd/index.js';
import { AdamW } from '../dist/src/optim/index.js';
import { refBackend, setBackend, wasmBackend } from '../dist/src/backend/backend.js';
import { Rng } from '../dist/src/tensor/random.js';

const steps = Number(process.argv[2] ?? 15);
const layers = Number(process.argv[3] ?? 1);
const B = 32, T = 64, V = 65;
const before = {
  ...wasmBackend, // keeps the name 'wasm': the fused layers route on it
  gatherRows: refBackend.gatherRows, scatterAddRows: refBackend.scatterAddRows,
  // the op before: wasm log-softmax, the loss picked and the gradient computed in JavaScript
  crossEntropyForward: (x, N, C, t, logp, nll) => {
    wasmBackend.softmaxRows(x, N, C, logp, true);
    for (let i = 0; i < N; i++) nll[i] = t[i] < 0 ? 0 : -logp[i * C + t[i]];
  },
  crossEntropyBackward: refBackend.crossEntropyBackward,
  adamUpdate: refBackend.adamUpdate, sgdUpdate: refBackend.sgdUpdate,
};
const rng = new Rng(1);
const model = new CharModel({ vocabSize: V, cell: 'lstm', hiddenSize: 256, numLayers: layers, embeddingSize: 64, dropout: 0 });
console.log(`parameters: ${model.parameters().map((p) => p.size).join(', ')}`);
const opt = new AdamW(model.parameters(), { lr: 1e-3 });
const ids = indices(Array.from({ length: B * T }, () => rng.int(V)), [B, T]);
const targets = indices(Array.from({ length: B * T }, () => rng.int(V)), [B, T]);

function step(backend) {
  setBackend(backend);
  const t0 = performance.now();
  const [logits] = model.forward(ids);
  crossEntropy(logits, targets).backward();
  const t1 = performance.now();
  opt.step();
  opt.zeroGrad();
  const t2 = performance.now();
  return [t2 - t0, t2 - t1];
}
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[s.length >> 1]; };
for (let w = 0; w < 3; w++) { step(before); step(wasmBackend); }
const res = { before: [], after: [] };
for (let s = 0; s < steps; s++) {
  if (s % 2 === 0) { res.before.push(step(before)); res.after.push(step(wasmBackend)); }
  else { res.after.push(step(wasmBackend)); res.before.push(step(before)); }
}
for (const [k, v] of Object.entries(res)) {
  console.log(`${k.padEnd(7)} step ${median(v.map((x) => x[0])).toFixed(1)} ms (median of ${steps}), of which AdamW ${median(v.map((x) => x[1])).toFixed(1)} ms`);
}
