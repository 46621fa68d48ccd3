#!/usr/bin/env node
// A/B of batch-1 sampling (as bench/unfold_sample.mjs: 2-layer LSTM, H = 512, embedding 64, V = 65)
// on one thread vs two (charStepper's split path), alternating repetitions in one process so both
// sides see the same machine load. Also checks that both give the same logits.
//   node bench/ab_sample.mjs [--hidden 512] [--layers 2] [--reps 6] [--chars 400]

import { parseArgs } from 'node:util';
import { train, noGrad, Rng } from '../dist/src/index.js';
import { charStepper } from '../dist/src/train/sample.js';

const { values: a } = parseArgs({ options: {
  hidden: { type: 'string', default: '512' }, layers: { type: 'string', default: '2' },
  reps: { type: 'string', default: '6' }, chars: { type: 'string', default: '400' },
} });
const H = Number(a.hidden), L = Number(a.layers), V = 65, n = Number(a.chars);
const model = new train.CharModel({ vocabSize: V, cell: 'lstm', hiddenSize: H, numLayers: L, embeddingSize: 64, dropout: 0, forgetBias: 1 }, { rng: new Rng(2) });
model.eval();
const t0 = performance.now();
const two = charStepper(model, { threads: 2 });
const startMs = performance.now() - t0;
const one = charStepper(model, { threads: 1 });
if (two.threads !== 2) throw new Error('the two-thread path is unavailable here');
let maxDiff = 0;
noGrad(() => {
  for (let i = 0; i < 50; i++) {
    const x = Float32Array.from(one.step(i % V)), y = two.step(i % V);
    for (let j = 0; j < V; j++) maxDiff = Math.max(maxDiff, Math.abs(x[j] - y[j]));
  }
});
const res = { 1: [], 2: [] }, cpu = { 1: [], 2: [] };
for (let r = 0; r < Number(a.reps); r++) {
  for (const s of r % 2 ? [two, one] : [one, two]) {
    const c0 = process.cpuUsage(), w0 = performance.now();
    noGrad(() => { for (let i = 0; i < n; i++) s.step((i * 7) % V); });
    res[s.threads].push(((performance.now() - w0) * 1000) / n);
    const c = process.cpuUsage(c0);
    cpu[s.threads].push((c.user + c.system) / n);
  }
}
await two.close();
const med = (x) => [...x].sort((p, q) => p - q)[x.length >> 1];
console.log(`sampling LSTM ${L}x${H}: worker start ${startMs.toFixed(0)} ms; max |logit difference| ${maxDiff.toExponential(1)}`);
console.log(`  wall µs/char: 1 thread ${med(res[1]).toFixed(0)}, 2 threads ${med(res[2]).toFixed(0)}, speed-up ${(med(res[1]) / med(res[2])).toFixed(2)}x  (1: ${res[1].map((v) => v.toFixed(0)).join(' ')}; 2: ${res[2].map((v) => v.toFixed(0)).join(' ')})`);
console.log(`  CPU µs/char (all threads): 1 thread ${med(cpu[1]).toFixed(0)}, 2 threads ${med(cpu[2]).toFixed(0)}`);
