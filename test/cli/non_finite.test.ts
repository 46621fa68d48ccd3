// Results that are not numbers are not printed as results: a checkpoint whose weights are finite but
// so large that its outputs overflow makes `unfold eval` stop with exit status 1 instead of printing
// "NaN nats/char", and `unfold sample` name the step where the scores stopped being finite instead of
// printing "aaaa…" (NaN scores picked symbol 0); a task result line refuses a value that is not
// finite. Beside them, two inputs that used to reach V8 internals: eval --seq-len past the text, and
// attention maps whose tokens are numbers.

import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Rng } from '../../src/tensor/random.js';
import { Vocab } from '../../src/data/vocab.js';
import { CharModel } from '../../src/train/char_model.js';
import { saveCheckpointSync } from '../../src/train/checkpoint_file.js';
import { reportTask } from '../../src/cli/task_report.js';
import { tempDir } from '../helpers/files.js';
import { generatedCorpus } from '../helpers/corpus.js';
import { assertRefused, refusalOf, unfoldCli } from '../helpers/cli.js';

/**
 * A small character model with random weights; `overflowing` makes them finite but too large: every
 * gate saturates at 1 (bias 1000, no input weights), so each h is tanh(c) > 0.7 with c growing, and
 * each output weight is 3e38 (float32's largest is 3.4e38), so every score is +Infinity.
 */
function checkpoint(path: string, text: string, overflowing = false): void {
  const vocab = Vocab.fromText(text);
  const model = new CharModel({ vocabSize: vocab.size, cell: 'lstm', hiddenSize: 16, numLayers: 1, embeddingSize: 8, dropout: 0 }, { rng: new Rng(3) });
  if (overflowing) {
    for (const [name, t] of Object.entries(model.stateDict())) {
      const v = name === 'rnn.bias_ih_l0' ? 1000 : name === 'head.weight' ? 3e38 : name.startsWith('rnn.') || name === 'head.bias' ? 0 : null;
      if (v !== null) t.data.fill(v);
    }
  }
  saveCheckpointSync(path, { model, vocabs: { text: vocab } });
}

test('eval and sample refuse a model whose finite weights overflow, naming what is not finite', async () => {
  const dir = tempDir();
  const text = generatedCorpus(40), corpus = join(dir, 'corpus.txt'), ckpt = join(dir, 'huge.safetensors');
  writeFileSync(corpus, text);
  checkpoint(ckpt, text, true);
  assertRefused(unfoldCli(['eval', corpus, '--checkpoint', ckpt]),
    /^unfold: error: expected a finite cross-entropy of .*huge\.safetensors over .*corpus\.txt, got (NaN|Infinity|-Infinity): the model's outputs are not finite numbers/);
  assert.match(await refusalOf(['sample', '--checkpoint', ckpt, '--length', '50']),
    /^expected finite scores from the model at step 1, got Infinity for symbol 0: its weights or activations have overflowed$/);
});

test('eval --seq-len past the text reads each stream in one chunk: the same loss as the default', () => {
  const dir = tempDir();
  const text = generatedCorpus(40), corpus = join(dir, 'corpus.txt'), ckpt = join(dir, 'm.safetensors');
  writeFileSync(corpus, text);
  checkpoint(ckpt, text);
  const base = unfoldCli(['eval', corpus, '--checkpoint', ckpt]);
  const long = unfoldCli(['eval', corpus, '--checkpoint', ckpt, '--seq-len', '1000000000']);
  assert.equal(base.status, 0, base.stderr);
  assert.equal(long.status, 0, long.stderr);
  assert.match(long.stdout, /^\d+\.\d{4} nats\/char/);
  assert.equal(long.stdout, base.stdout);
});

test('viz --attention takes numbers as tokens', () => {
  const dir = tempDir();
  const text = generatedCorpus(40), ckpt = join(dir, 'm.safetensors'), maps = join(dir, 'maps.json'), out = join(dir, 'report.html');
  checkpoint(ckpt, text);
  writeFileSync(maps, JSON.stringify([{ source: [2019, 7, 'x'], target: [42, 'y'], weights: [[0.2, 0.3, 0.5], [1, 0, 0]] }]));
  const r = unfoldCli(['viz', '--checkpoint', ckpt, '--attention', maps, '--out', out, '--chars', '40', '--gradient-chars', '10']);
  assert.equal(r.status, 0, r.stderr);
  const html = readFileSync(out, 'utf8');
  assert.match(html, /<th class="att-src"><span>2019<\/span><\/th>/);
  assert.match(html, /<th class="att-tgt">42<\/th>/);
});

test('a task result line with a value that is not finite is an error, not a result', () => {
  const line = { task: 'adding', cell: 'lstm', length: 100, metric: 'mse', baseline: 0.167, steps: 10, seconds: 1 };
  for (const value of [NaN, Infinity]) {
    assert.throws(() => reportTask({ ...line, value }, true, 'summary'), new RegExp(`^Error: expected a finite test mse of adding, got ${value}: `));
  }
});
