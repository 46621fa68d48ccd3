// `unfold tasks deep-lm`: every kind of DeepCharModel carries its state exactly (two halves with the
// carried state equal one whole pass), the hidden sizes matched to the stacked LSTM's parameter
// count, a short comparison run that learns a generated corpus, and the command's result lines.

import test from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEEP_KINDS, DeepCharModel, matchHiddenSize } from '../../src/tasks/deep_char_model.js';
import { runDeepLm } from '../../src/tasks/deep_lm.js';
import { indices } from '../../src/autograd/ops/gather.js';
import { noGrad } from '../../src/autograd/grad_mode.js';
import { Rng } from '../../src/tensor/random.js';
import { runCommand } from '../helpers/command.js';
import { close } from '../helpers/recurrent_layers.js';

const base = { vocabSize: 7, embeddingSize: 3, layers: 3, depth: 2, dropout: 0 };

for (const kind of DEEP_KINDS) {
  test(`DeepCharModel ${kind}: logits [B, T, V], and two halves with the carried state equal the whole`, () => {
    const m = new DeepCharModel({ ...base, kind, hiddenSize: 5 }, { dtype: 'float64', rng: new Rng(1) }).eval();
    const rng = new Rng(2), B = 2, T = 6;
    const ids = Array.from({ length: B * T }, () => rng.int(7));
    const rows = (from: number, to: number) => indices(Array.from({ length: B }, (_, b) => ids.slice(b * T + from, b * T + to)).flat(), [B, to - from]);
    noGrad(() => {
      const [whole] = m.forward(rows(0, T));
      assert.deepEqual(whole.shape, [B, T, 7]);
      const [a, state] = m.forward(rows(0, 4));
      const [b] = m.forward(rows(4, T), state);
      const w = whole.toArray(), V = 7;
      for (let r = 0; r < B; r++) {
        close(a.toArray().slice(r * 4 * V, (r + 1) * 4 * V), w.slice(r * T * V, (r * T + 4) * V), 1e-12, `row ${r}, first half`);
        close(b.toArray().slice(r * 2 * V, (r + 1) * 2 * V), w.slice((r * T + 4) * V, (r + 1) * T * V), 1e-12, `row ${r}, second half`);
      }
    });
  });
}

test('matchHiddenSize gives every kind the parameter count of the stacked LSTM, within a hidden unit', () => {
  const cfg = { ...base, vocabSize: 40, embeddingSize: 16, layers: 2 };
  const target = new DeepCharModel({ ...cfg, kind: 'lstm', hiddenSize: 48 }).numParameters();
  for (const kind of DEEP_KINDS) {
    const H = matchHiddenSize({ ...cfg, kind }, target);
    const n = (h: number) => new DeepCharModel({ ...cfg, kind, hiddenSize: h }).numParameters();
    assert.ok(Math.abs(n(H) - target) <= Math.abs(n(H + 1) - target) && Math.abs(n(H) - target) <= Math.abs(n(H - 1) - target), `${kind}: hidden ${H}`);
  }
  assert.equal(matchHiddenSize({ ...cfg, kind: 'lstm' }, target), 48);
  assert.throws(() => new DeepCharModel({ ...cfg, kind: 'highway', layers: 1, hiddenSize: 4 }), /expected layers >= 2 for a highway stack/);
});

// A corpus with structure: words from a small list, so that a few steps learn well below uniform.
function corpus(n: number): string {
  const words = ['abc ', 'bcd ', 'cab ', 'dd '];
  const rng = new Rng(5);
  let s = '';
  while (s.length < n) s += words[rng.int(words.length)];
  return s;
}

test('runDeepLm: a short run of every kind learns the corpus (validation well below uniform, log 5 nats)', async () => {
  const res = await runDeepLm(corpus(3000), { hiddenSize: 12, embeddingSize: 6, seqLen: 16, batchSize: 8, steps: 60, time: 0, lr: 1e-2, evalChars: 200 });
  assert.deepEqual(res.map((r) => r.kind), DEEP_KINDS);
  for (const r of res) {
    assert.equal(r.steps, 60);
    assert.ok(r.valLoss < 0.75 * Math.log(5), `${r.kind}: ${r.valLoss} nats/char`);
  }
  const p = res[0].parameters;
  for (const r of res) assert.ok(Math.abs(r.parameters - p) / p < 0.1, `${r.kind}: ${r.parameters} parameters against ${p}`);
});

test('unfold tasks deep-lm: one result line per model, the stacked LSTM as baseline; bad model names', () => {
  const dir = mkdtempSync(join(tmpdir(), 'deep-lm-'));
  const file = join(dir, 'c.txt');
  writeFileSync(file, corpus(1500));
  const c = runCommand('tasks/deep_lm', 'deepLmTask', file, '--models', 'lstm,rhn', '--steps', '3', '--hidden', '6', '--seq-len', '8', '--batch', '4', '--eval-chars', '100', '--json');
  assert.equal(c.status, 0, c.stderr);
  const lines = c.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, number | string>);
  assert.deepEqual(lines.map((r) => [r.task, r.cell, r.length, r.metric, r.steps]), [['deep-lm', 'lstm', 8, 'val_nats_per_char', 3], ['deep-lm', 'rhn', 8, 'val_nats_per_char', 3]]);
  assert.equal(lines[1].baseline, lines[0].value);
  const bad = runCommand('tasks/deep_lm', 'deepLmTask', file, '--models', 'lstm,gru');
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /expected a comma-separated list of lstm, highway, dt, rhn, do, got 'lstm,gru'/);
});
