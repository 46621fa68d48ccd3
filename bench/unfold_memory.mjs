#!/usr/bin/env node
// Memory over long runs of plain library code, with no dispose() anywhere: the resident set size is
// read every --every steps and compared after the warm-up (the first --warmup-frac of the steps).
//
//   --mode train     the README's training loop (embedding → LSTM → linear, cross-entropy, backward,
//                    clip, AdamW), one synchronous loop of --steps steps;
//   --mode stateful  a stateful LSTM: forward calls under noGrad, each from the state the previous one
//                    returned (as in streaming inference), one synchronous loop of --steps calls.
//
//   node bench/unfold_memory.mjs --mode train [--steps 10000] [--hidden 64] [--batch 8] [--seq-len 32]
//
// Prints one JSON line: { runner, mode, steps, rss_mib: [samples], warm_mib, last_mib, max_mib,
// drift: (max after warm-up − min after warm-up) / min after warm-up, seconds }.

import { parseArgs } from 'node:util';
import { nn, optim, ops, noGrad, randn, Rng } from '../dist/src/index.js';

const { values: a } = parseArgs({
  options: {
    mode: { type: 'string', default: 'train' },
    steps: { type: 'string', default: '10000' },
    hidden: { type: 'string', default: '64' },
    batch: { type: 'string', default: '8' },
    'seq-len': { type: 'string', default: '32' },
    every: { type: 'string', default: '250' },
    'warmup-frac': { type: 'string', default: '0.2' },
  },
});
const steps = Number(a.steps), H = Number(a.hidden), B = Number(a.batch), T = Number(a['seq-len']), every = Number(a.every);
const V = 65, E = 32;
const mib = () => process.memoryUsage().rss / 2 ** 20;

let step;
if (a.mode === 'train') {
  const emb = new nn.Embedding({ numEmbeddings: V, embeddingDim: E });
  const lstm = new nn.LSTM({ inputSize: E, hiddenSize: H, batchFirst: true });
  const head = new nn.Linear({ inFeatures: H, outFeatures: V });
  const params = [...emb.parameters(), ...lstm.parameters(), ...head.parameters()];
  const opt = new optim.AdamW(params, { lr: 1e-3 });
  const rng = new Rng(1);
  step = () => {
    const x = ops.indices(Int32Array.from({ length: B * T }, () => rng.int(V)), [B, T]);
    const y = ops.indices(Int32Array.from({ length: B * T }, () => rng.int(V)), [B * T]);
    const [out] = lstm.forward(emb.forward(x));
    const loss = nn.crossEntropy(head.forward(out).reshape([B * T, V]), y);
    loss.backward();
    optim.clipGradNorm(params, 5);
    opt.step();
    opt.zeroGrad();
    return loss.item();
  };
} else if (a.mode === 'stateful') {
  const lstm = new nn.LSTM({ inputSize: E, hiddenSize: H, numLayers: 2, batchFirst: true });
  lstm.eval();
  const rng = new Rng(2);
  let state = null;
  step = () => noGrad(() => {
    const x = randn([B, T, E], { rng });
    const [out, next] = lstm.forward(x, state);
    state = next;
    return out.dataSync()[0];
  });
} else {
  throw new Error(`--mode: expected train or stateful, got ${a.mode}`);
}

const samples = [];
const t0 = performance.now();
let last = 0;
for (let i = 0; i < steps; i++) {
  last = step();
  if ((i + 1) % every === 0) samples.push(+mib().toFixed(1));
}
const seconds = (performance.now() - t0) / 1000;
const after = samples.slice(Math.floor(samples.length * Number(a['warmup-frac'])));
const lo = Math.min(...after), hi = Math.max(...after);
console.log(JSON.stringify({
  runner: 'unfold', mode: a.mode, steps, hidden: H, batch: B, seq_len: T, seconds: +seconds.toFixed(1), finite: Number.isFinite(last),
  rss_mib: samples, warm_mib: after[0], last_mib: after[after.length - 1], max_mib: hi, drift: +((hi - lo) / lo).toFixed(4),
}));
