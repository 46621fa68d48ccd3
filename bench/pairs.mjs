#!/usr/bin/env node
// Alternated rounds of one training configuration, for a ratio that the machine's slow and fast
// phases (which move every figure by tens of percent between minutes here) do not decide: each round
// runs unfold's library-API loop, then PyTorch at 1 thread and at 1 thread with OpenBLAS on 2 (its
// best settings here), one process at a time, and takes unfold ÷ the better PyTorch of that round.
// The median over rounds is the figure to quote.
//
//   node bench/pairs.mjs --cell lstm --hidden 512 [--rounds 5] [--time 6] [--warmup 3] [--path library|train]
//
// Prints each round, then one JSON line: { cell, hidden, path, rounds: [{unfold, torch, ratio}], median }.

import { spawnSync } from 'node:child_process';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const bench = dirname(fileURLToPath(import.meta.url));
const { values: a } = parseArgs({
  options: {
    cell: { type: 'string', default: 'lstm' }, hidden: { type: 'string', default: '512' },
    rounds: { type: 'string', default: '5' }, time: { type: 'string', default: '6' }, warmup: { type: 'string', default: '3' },
    path: { type: 'string', default: 'library' },
  },
});
const common = ['--cell', a.cell, '--hidden', a.hidden, '--time', a.time, '--warmup', a.warmup];
const tps = (cmd, args) => {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  const line = r.stdout.trim().split('\n').reverse().find((l) => l.startsWith('{'));
  if (!line) throw new Error(`${cmd} ${args.join(' ')}: no result (${r.stderr.trim().split('\n').pop()})`);
  return JSON.parse(line).tokens_per_sec;
};
const runner = a.path === 'train' ? 'unfold_train.mjs' : 'unfold_library.mjs';
const rounds = [];
for (let i = 0; i < Number(a.rounds); i++) {
  const unfold = tps(process.execPath, [join(bench, runner), ...common]);
  const t1 = tps('/usr/bin/python3', [join(bench, 'torch_train.py'), ...common, '--threads', '1']);
  const t12 = tps('/usr/bin/python3', [join(bench, 'torch_train.py'), ...common, '--threads', '1', '--blas-threads', '2']);
  const torch = Math.max(t1, t12);
  rounds.push({ unfold: Math.round(unfold), torch: Math.round(torch), ratio: +(unfold / torch).toFixed(3) });
  console.error(`round ${i + 1}: unfold ${Math.round(unfold)}, PyTorch ${Math.round(t1)} / ${Math.round(t12)} (1 thread / OpenBLAS 2): ${(unfold / torch).toFixed(2)}×`);
}
const sorted = rounds.map((r) => r.ratio).sort((x, y) => x - y);
console.log(JSON.stringify({ cell: a.cell, hidden: Number(a.hidden), path: a.path, rounds, median: sorted[sorted.length >> 1] }));
