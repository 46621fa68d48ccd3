#!/usr/bin/env node
// unfold's library-API row of the training benchmark: the same character model as
// bench/unfold_train.mjs (embedding 64 → recurrent layer → linear head, V = 65), written the way the
// README's Library section shows it: separate modules, `forward` calls, `nn.crossEntropy`,
// `loss.backward()`, `optim.clipGradNorm`, `opt.step()`, `opt.zeroGrad()`. No trainer, no hand-made
// step: whatever speed this reaches is what a user's own loop gets. Random tokens (throughput does
// not depend on what they say).
//
//   node bench/unfold_library.mjs --cell lstm --hidden 512 [--layers 1] [--batch 32] [--seq-len 64]
//                                 [--warmup 3] [--time 10]
//
// Prints one JSON line: { runner, path: 'library', cell, hidden, ..., steps, seconds, tokens_per_sec, loss }.
// Imports the built library (dist/): run `npm run build` first.

import { parseArgs } from 'node:util';
import { nn, optim, ops, Rng, getBackend } from '../dist/src/index.js';
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
  },
});
const cell = a.cell, H = Number(a.hidden), L = Number(a.layers), E = Number(a.embedding);
const V = Number(a.vocab), B = Number(a.batch), T = Number(a['seq-len']);

const Layer = { lstm: nn.LSTM, gru: nn.GRU, rnn: nn.RNN }[cell];
if (Layer === undefined) throw new Error(`--cell: expected lstm, gru or rnn, got ${cell}`);
const emb = new nn.Embedding({ numEmbeddings: V, embeddingDim: E });
const rnn = new Layer({ inputSize: E, hiddenSize: H, numLayers: L, batchFirst: true });
const head = new nn.Linear({ inFeatures: H, outFeatures: V });
const params = [...emb.parameters(), ...rnn.parameters(), ...head.parameters()];
const opt = new optim.AdamW(params, { lr: 3e-3, weightDecay: 0 });

const rng = new Rng(1);
const pool = Array.from({ length: 8 }, () => {
  const x = new Int32Array(B * T), y = new Int32Array(B * T);
  for (let i = 0; i < x.length; i++) { x[i] = Math.floor(rng.random() * V); y[i] = Math.floor(rng.random() * V); }
  return { x: ops.indices(x, [B, T]), y: ops.indices(y, [B * T]) };
});

let k = 0, lastLoss = NaN;
function step() {
  const { x, y } = pool[k++ % pool.length];
  const [out] = rnn.forward(emb.forward(x));                   // [B, T, H]
  const logits = head.forward(out).reshape([B * T, V]);       // [B·T, V]
  const loss = nn.crossEntropy(logits, y);
  loss.backward();
  optim.clipGradNorm(params, 5);
  opt.step();
  opt.zeroGrad();
  lastLoss = loss.item();
}

const { units: steps, seconds } = await timed(() => { step(); return 1; }, Number(a.warmup), Number(a.time));
console.log(JSON.stringify({
  runner: 'unfold', path: 'library', backend: getBackend().name, cell, hidden: H, layers: L, embedding: E, vocab: V, batch: B, seq_len: T,
  steps, seconds: +seconds.toFixed(3), tokens_per_sec: (steps * B * T) / seconds, loss: lastLoss,
}));
