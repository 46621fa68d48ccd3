#!/usr/bin/env node
// Time-to-quality, side by side: unfold's `train` with default settings and PyTorch's twin of the
// same model (scripts/torch_charlm.py, Debian's python3-torch) each train for the same wall-clock
// budget on tiny-shakespeare (first 90% train), then report validation nats/char over the whole
// last 10%. Runs one after the other so that neither slows the other.
//
//   node scripts/bench_quality.mjs [--time 600] [--corpus ../shared/data/tinyshakespeare.txt] [--threads 1]

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : dflt;
};
const time = arg('time', '600');
const corpus = arg('corpus', join(root, '..', 'shared', 'data', 'tinyshakespeare.txt'));
const threads = arg('threads', '1');
if (!existsSync(corpus)) {
  console.error(`corpus not found: ${corpus} (pass --corpus FILE)`);
  process.exit(1);
}

const out = join(mkdtempSync(join(tmpdir(), 'unfold-bench-')), 'char.safetensors');
console.error(`unfold: training ${time} s ...`);
const u = spawnSync(process.execPath, [join(root, 'dist', 'src', 'cli', 'main.js'), 'train', corpus, '--time', time, '--out', out],
  { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
if (u.status !== 0) { console.error(u.stdout); process.exit(1); }
const steps = /done: (\d+) steps in (\d+) s, (\d+) tokens\/s/.exec(u.stdout);
const val = /validation loss ([\d.]+) nats\/char/.exec(u.stdout);

let torch = null;
if (existsSync('/usr/bin/python3')) {
  console.error(`PyTorch: training ${time} s ...`);
  const t = spawnSync('/usr/bin/python3', [join(root, 'scripts', 'torch_charlm.py'), 'train', corpus, '--time', time, '--threads', threads],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (t.status === 0) torch = JSON.parse(t.stdout.trim().split('\n').pop());
  else console.error('PyTorch run failed (is python3-torch installed?)');
}

const rows = [
  ['unfold', steps?.[1], steps?.[3], val?.[1]],
  ...(torch ? [[`PyTorch ${torch.torch} (${torch.threads} thread)`, torch.steps, torch.tokens_per_sec, torch.val_nats_per_char]] : []),
];
console.log(`machine: ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores; node ${process.version}; budget ${time} s`);
console.log('| run | steps | tokens/s | validation nats/char |');
console.log('| --- | ---: | ---: | ---: |');
for (const r of rows) console.log(`| ${r.join(' | ')} |`);
if (torch && val) console.log(`\nratio unfold/PyTorch tokens/s: ${(Number(steps[3]) / torch.tokens_per_sec).toFixed(2)}`);
