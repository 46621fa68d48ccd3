#!/usr/bin/env node
// brain.js's side of the training-throughput benchmark: brain.recurrent.LSTM / GRU with the same
// shape as unfold's char model (an input matrix of V+1 rows × 64 — brain.js' own embedding — → one
// recurrent layer of H → output over V+1; brain.js reserves index 0 for start/end), trained with
// trainPattern on random 64-character sequences.
// brain.js trains one sequence at a time (batch 1) with its own per-element-clipped RMSProp-style
// update after every sequence; it has no batching and no Adam. tokens_per_sec is therefore characters
// of training text processed per second (forward, backward and update), which is what it costs a
// user to train on a corpus of that many characters.
//
//   node bench/brain_train.mjs --cell lstm --hidden 512 [--seq-len 64] [--warmup 3] [--time 10]
//
// Prints one JSON line: { runner, brain, cell, hidden, ..., steps, seconds, tokens_per_sec }, or
// { runner, skipped } when brain.js is not installed.

import { parseArgs } from 'node:util';
import { createRequire } from 'node:module';
import { timed } from './timed.mjs';

const { values: a } = parseArgs({
  options: {
    cell: { type: 'string', default: 'lstm' },
    hidden: { type: 'string', default: '128' },
    embedding: { type: 'string', default: '64' },
    vocab: { type: 'string', default: '65' },
    'seq-len': { type: 'string', default: '64' },
    warmup: { type: 'string', default: '3' },
    time: { type: 'string', default: '10' },
  },
});
const cell = a.cell, H = Number(a.hidden), E = Number(a.embedding), V = Number(a.vocab), T = Number(a['seq-len']);

const require = createRequire(import.meta.url);
let brain, version;
try {
  brain = require('brain.js');
  version = require('brain.js/package.json').version;
} catch (e) {
  console.log(JSON.stringify({ runner: 'brain.js', cell, hidden: H, skipped: `brain.js is not installed (${e.code ?? e.message}); run npm install` }));
  process.exit(0);
}
const Net = { lstm: brain.recurrent.LSTM, gru: brain.recurrent.GRU, rnn: brain.recurrent.RNN }[cell];
if (!Net) throw new Error(`expected --cell lstm, gru or rnn, got ${cell}`);

// inputRange: token ids 0..V-1 are fed as id+1 (0 is brain.js' start token); outputSize: V (+1 for end).
const net = new Net({ inputSize: E, inputRange: V, hiddenLayers: [H], outputSize: V });
net.initialize();

let seed = 12345;
const rand = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);
const pool = Array.from({ length: 8 }, () => Array.from({ length: T }, () => Math.floor(rand() * V)));

let k = 0;
const step = () => net.trainPattern(pool[k++ % pool.length]);

const { units: steps, seconds } = await timed(() => { step(); return 1; }, Number(a.warmup), Number(a.time));

console.log(JSON.stringify({
  runner: 'brain.js', brain: version, cell, hidden: H, layers: 1, embedding: E, vocab: V, batch: 1, seq_len: T,
  steps, seconds: +seconds.toFixed(3), tokens_per_sec: (steps * T) / seconds,
}));
