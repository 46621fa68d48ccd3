#!/usr/bin/env node
// brain.js's side of the sampling-latency benchmark: brain.recurrent.LSTM with two hidden layers of
// H = 512 (input matrix V+1 × 64, output V+1), generating with its own net.run([], true) — sampled,
// temperature 1 — which steps one character at a time, carrying the state, until it draws the end
// token (index 0) or reaches maxPredictionLength. Every step, the final one included, is one character
// of latency.
//
//   node bench/brain_sample.mjs [--hidden 512] [--layers 2] [--warmup 2] [--time 10]
//
// Prints one JSON line: { runner, brain, ..., chars, seconds, us_per_char }, or { runner, skipped }.

import { parseArgs } from 'node:util';
import { createRequire } from 'node:module';
import { timed } from './timed.mjs';

const { values: a } = parseArgs({
  options: {
    hidden: { type: 'string', default: '512' },
    layers: { type: 'string', default: '2' },
    embedding: { type: 'string', default: '64' },
    vocab: { type: 'string', default: '65' },
    warmup: { type: 'string', default: '2' },
    time: { type: 'string', default: '10' },
  },
});
const H = Number(a.hidden), L = Number(a.layers), E = Number(a.embedding), V = Number(a.vocab);

const require = createRequire(import.meta.url);
let brain, version;
try {
  brain = require('brain.js');
  version = require('brain.js/package.json').version;
} catch (e) {
  console.log(JSON.stringify({ runner: 'brain.js', skipped: `brain.js is not installed (${e.code ?? e.message}); run npm install` }));
  process.exit(0);
}

const net = new brain.recurrent.LSTM({ inputSize: E, inputRange: V, hiddenLayers: Array(L).fill(H), outputSize: V });
net.initialize();
net.bindEquation(); // run() needs at least one bound step; it binds the rest as it goes
net.maxPredictionLength = 256;

// run() returns the characters before the end token; it took one step more than that (the end token
// or the step that hit the length limit).
const generate = () => net.run([], true, 1).length + 1;

const { units: chars, seconds } = await timed(generate, Number(a.warmup), Number(a.time));

console.log(JSON.stringify({
  runner: 'brain.js', brain: version, cell: 'lstm', hidden: H, layers: L, embedding: E, vocab: V, batch: 1,
  chars, seconds: +seconds.toFixed(3), us_per_char: (seconds * 1e6) / chars,
}));
