#!/usr/bin/env node
// unfold's side of the sampling-latency benchmark: a character model with a 2-layer LSTM (H = 512,
// embedding 64, V = 65) generating one character at a time at batch 1, the recurrent state carried
// from step to step and no autograd graph recorded (noGrad), the way src/train/sample.ts does it: through
// charStepper (for an LSTM on the wasm backend, the fast path with the weights resident in WebAssembly
// memory; otherwise model.forward one token at a time). --generic measures model.forward instead.
// Each character is a full step: forward one token, then draw from softmax(logits) (temperature 1).
//
//   node bench/unfold_sample.mjs [--hidden 512] [--layers 2] [--warmup 2] [--time 10] [--threads 1]
// --threads 2: charStepper's two-thread path (each layer's hidden units cut between this thread and a worker).
//
// Prints one JSON line: { runner, ..., chars, seconds, us_per_char }.

import { parseArgs } from 'node:util';
import { train, nn, noGrad, indices, Rng, getBackend } from '../dist/src/index.js';
import { charStepper } from '../dist/src/train/sample.js';
import { timed } from './timed.mjs';

const { values: a } = parseArgs({
  options: {
    cell: { type: 'string', default: 'lstm' },
    hidden: { type: 'string', default: '512' },
    layers: { type: 'string', default: '2' },
    embedding: { type: 'string', default: '64' },
    vocab: { type: 'string', default: '65' },
    warmup: { type: 'string', default: '2' },
    time: { type: 'string', default: '10' },
    generic: { type: 'boolean', default: false },
    threads: { type: 'string', default: '1' },
  },
});
const cell = a.cell, H = Number(a.hidden), L = Number(a.layers), E = Number(a.embedding), V = Number(a.vocab);

const model = new train.CharModel(
  { vocabSize: V, cell, hiddenSize: H, numLayers: L, embeddingSize: E, dropout: 0, forgetBias: cell === 'lstm' ? 1 : undefined },
  { rng: new Rng(2) },
);
model.eval();
const rng = new Rng(3);

let next, stepper = null;
if (a.generic) {
  let [logits, state] = noGrad(() => model.forward(indices([0], [1, 1])));
  next = () => {
    const id = nn.seq.chooseSymbol(logits.data, 0, logits.data.length, { choose: 'sample', rng });
    [logits, state] = model.forward(indices([id], [1, 1]), state);
  };
} else {
  stepper = charStepper(model, { threads: Number(a.threads) });
  let logits = noGrad(() => stepper.step(0));
  next = () => { logits = stepper.step(nn.seq.chooseSymbol(logits, 0, logits.length, { choose: 'sample', rng })); };
}
// 16 characters per call, each batch of them without a graph (noGrad is per call: the loop awaits).
const { units: chars, seconds } = await timed(() => noGrad(() => { for (let i = 0; i < 16; i++) next(); return 16; }), Number(a.warmup), Number(a.time));
await stepper?.close();

console.log(JSON.stringify({
  runner: 'unfold', backend: getBackend().name, path: a.generic ? 'model.forward' : 'charStepper', threads: stepper?.threads ?? 1, cell, hidden: H, layers: L, embedding: E, vocab: V, batch: 1,
  chars, seconds: +seconds.toFixed(3), us_per_char: (seconds * 1e6) / chars,
}));
