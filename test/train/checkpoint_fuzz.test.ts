// A fast slice of the checkpoint fuzzer (test/helpers/checkpoint_fuzz.ts; the 50,000-case run is
// scripts/fuzz_checkpoints.mjs): damaged checkpoints of every model family are either refused with
// an "expected … got …" message or accepted as a consistent, finite model; none crashes the reader,
// none that must be refused is accepted, none grows memory by more than 256 MB beyond its file.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/tensor/random.js';
import { deserializeCheckpoint } from '../../src/train/checkpoint.js';
import { CASE_LIMIT_BYTES, fuzzSeeds, runCase, summarize, type CaseResult } from '../helpers/checkpoint_fuzz.js';
import { MUTATIONS, mutate } from '../helpers/checkpoint_mutations.js';

const seeds = fuzzSeeds();

test('the seeds are valid checkpoints of every family the fuzzer covers', () => {
  const kinds = new Set(seeds.map((s) => s.name.split('#')[0]));
  for (const k of ['train.CharModel', 'seq2seq.Seq2Seq', 'seq2seq.CaptionModel', 'tree.RecursiveNet', 'tree.TreeClassifier', 'esn.ESN']) assert.ok(kinds.has(k), k);
  const cells = seeds.filter((s) => s.name.startsWith('train.CharModel')).map((s) => (deserializeCheckpoint(s.bytes).model.getConfig() as { cell: string }).cell);
  assert.deepEqual(cells.sort(), ['gru', 'lstm', 'rnn']);
  for (const s of seeds) assert.doesNotThrow(() => deserializeCheckpoint(s.bytes), s.name);
});

test('the mutations are deterministic in their generator', () => {
  for (let i = 0; i < 50; i++) {
    const a = mutate(seeds[i % seeds.length].bytes, new Rng(i)), b = mutate(seeds[i % seeds.length].bytes, new Rng(i));
    assert.deepEqual(a, b);
  }
});

test('1200 damaged checkpoints: no crash, no silent acceptance, no runaway memory', () => {
  const results: CaseResult[] = [];
  for (let i = 0; i < 1200; i++) results.push(runCase(seeds, 17, i));
  const s = summarize(results);
  const shown = s.failures.map((r) => `case ${r.index} ${r.outcome} [${r.seed}] ${r.label}: ${r.detail.slice(0, 200)}`).join('\n');
  assert.equal(s.outcomes.crash + s.outcomes.silent, 0, shown);
  assert.equal(results.filter((r) => Math.max(r.rssDelta, r.arrayBuffersDelta) > CASE_LIMIT_BYTES + 2 * r.fileBytes).length, 0);
  // Both outcomes happen, and every kind of damage was tried.
  assert.ok(s.outcomes.refused > 600 && s.outcomes.accepted > 30, JSON.stringify(s.outcomes));
  for (const [name] of MUTATIONS) assert.ok(results.some((r) => r.label.startsWith(name)), `mutation ${name} was drawn`);
});
