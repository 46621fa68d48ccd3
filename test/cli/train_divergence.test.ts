// A diverging `unfold train` (learning rate 10 with weight decay 1: the weights grow ninefold a step
// until float32 overflows) as a user meets it: one line of error with exit status 1, naming the step
// that diverged and the checkpoint kept, whose weights and state are finite and which evaluates to a
// finite loss over the whole corpus; no non-finite validation is ever printed.

import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import '../../src/autograd/methods.js';
import { findNonFinite } from '../../src/tensor/finite.js';
import { loadSafetensorsSync } from '../../src/io/checkpoint_file.js';
import { evaluate } from '../../src/train/evaluate.js';
import { statePathFor } from '../../src/train/checkpoint.js';
import { generatedCorpus, loadCharModel } from '../helpers/corpus.js';
import { tempDir, CLI } from '../helpers/files.js';

const DIVERGING = ['--lr', '10', '--weight-decay', '1', '--schedule', 'constant', '--warmup', '0',
  '--hidden', '16', '--embedding', '8', '--seq-len', '16', '--batch', '4', '--steps', '100'];

for (const extra of [['--checkpoint-every', '1'], ['--eval-every', '1']]) {
  test(`unfold train ${extra.join(' ')} diverging: a one-line error, and the kept checkpoint is finite and evaluates finite`, () => {
    const dir = tempDir();
    const corpus = join(dir, 'corpus.txt'), out = join(dir, 'm.safetensors');
    const text = generatedCorpus();
    writeFileSync(corpus, text);
    const r = spawnSync(process.execPath, [CLI, 'train', corpus, ...DIVERGING, ...extra, '--out', out], { encoding: 'utf8', env: { ...process.env, UNFOLD_DEBUG: '' } });
    assert.equal(r.status, 1, r.stderr);
    const lines = r.stderr.trim().split(/[\r\n]+/);
    const m = /^unfold: error: training diverged at step (\d+): .+; the checkpoint of step (\d+) \(.*m\.safetensors\) is kept \(try a lower learning rate or gradient clipping\)$/.exec(lines[lines.length - 1]);
    assert.ok(m, `last line: ${lines[lines.length - 1]}`);
    assert.doesNotMatch(r.stderr, /validation (NaN|-?Infinity)/);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    const { model, vocab, step } = loadCharModel(out);
    assert.equal(step, Number(m[2]));
    assert.ok(step < Number(m[1]));
    assert.equal(findNonFinite(loadSafetensorsSync(out).tensors), null);
    assert.equal(findNonFinite(loadSafetensorsSync(statePathFor(out)).tensors), null);
    const loss = evaluate(model, vocab.encode(text));
    assert.ok(Number.isFinite(loss), `the kept model evaluates to ${loss} nats/char`);
  });
}
