#!/usr/bin/env node
// unfold's side of the training-throughput benchmark: the character model `unfold train` builds
// (embedding 64 → recurrent layer → linear head, V = 65), trained the way src/train/trainer.ts does it
// (cross-entropy, backward, global-norm clip 5, AdamW at 3e-3 with weight decay 0), on random tokens.
// Throughput does not depend on what the tokens say, so the data is generated, not read.
//
//   node bench/unfold_train.mjs --cell lstm --hidden 512 [--layers 1] [--batch 32] [--seq-len 64]
//                               [--warmup 3] [--time 10] [--threads 0]
// --threads: as `unfold train --threads` (0: the backend's default, UNFOLD_THREADS, else every core);
// the step is the trainer's own (src/train/train_step.ts: the model's forward with the embedding fold,
// backward), on the backend's threads.
//
// Prints one JSON line: { runner, cell, hidden, ..., steps, seconds, tokens_per_sec, loss }.
// Imports the built library (dist/): run `npm run build` first.

import { parseArgs } from 'node:util';
import { train, optim, Rng, getBackend } from '../dist/src/index.js';
import { forwardBackward } from '../dist/src/train/train_step.js';
import { setThreads, threadCount } from '../dist/src/backend/wasm/module.js';
import { timed } from './timed.mjs';

const { values: a } = parseArgs({
  options: {
    cell: { type: 'string', default: 'lstm' },
    hidden: { type: 'string', default: '128' },
    layers: { type: 'string', default: '1' },
    embedding: { type: 'string', default: '64' },
    vocab: { type: 'string', default: '65' },
    batch: { type: 'string', default: '32' },
    'seq-len': { type: 'string', default: '64' },
    warmup: { type: 'string', default: '3' },
    time: { type: 'string', default: '10' },
    threads: { type: 'string', default: '0' },
  },
});
const cell = a.cell, H = Number(a.hidden), L = Number(a.layers), E = Number(a.embedding);
const V = Number(a.vocab), B = Number(a.batch), T = Number(a['seq-len']);
const warmupS = Number(a.warmup), timeS = Number(a.time);

const rng = new Rng(1);
const model = new train.CharModel(
  { vocabSize: V, cell, hiddenSize: H, numLayers: L, embeddingSize: E, dropout: 0, forgetBias: cell === 'lstm' ? 1 : undefined },
  { rng: new Rng(2) },
);
model.train();
const opt = new optim.AdamW(model.parameters(), { lr: 3e-3, weightDecay: 0 });

// A pool of random batches, drawn from round-robin so that batch creation costs nothing measurable.
const pool = Array.from({ length: 8 }, () => {
  const ids = new Int32Array(B * (T + 1));
  for (let i = 0; i < ids.length; i++) ids[i] = Math.floor(rng.random() * V);
  const inputs = new Int32Array(B * T), targets = new Int32Array(B * T);
  for (let b = 0; b < B; b++) {
    inputs.set(ids.subarray(b * (T + 1), b * (T + 1) + T), b * T);
    targets.set(ids.subarray(b * (T + 1) + 1, (b + 1) * (T + 1)), b * T);
  }
  return { inputs, targets };
});

if (Number(a.threads) > 0) setThreads(Number(a.threads));
let k = 0, lastLoss = NaN;
function step() {
  const { inputs, targets } = pool[k++ % pool.length];
  lastLoss = forwardBackward(model, inputs, targets, B, T).loss;
  optim.clipGradNorm(model.parameters(), 5);
  opt.step();
  opt.zeroGrad();
}

const { units: steps, seconds } = await timed(() => { step(); return 1; }, warmupS, timeS);

console.log(JSON.stringify({
  runner: 'unfold', backend: getBackend().name, threads: threadCount(), cell, hidden: H, layers: L, embedding: E, vocab: V, batch: B, seq_len: T,
  steps, seconds: +seconds.toFixed(3), tokens_per_sec: (steps * B * T) / seconds, loss: lastLoss,
}));
