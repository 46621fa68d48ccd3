// The command line end to end, as a user runs it: train on a file, sample, eval; each command opens
// the checkpoints it takes (older formats too) and names the kinds it does not; and bad input
// (missing or empty corpus, a wrong flag value, a damaged checkpoint) gives one clear line naming
// what was expected, exit status 1, and no stack trace.

import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generatedCorpus } from '../helpers/corpus.js';
import { tempDir, CLI as main, ROOT } from '../helpers/files.js';


function unfold(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [main, ...args], { encoding: 'utf8', env: { ...process.env, UNFOLD_DEBUG: '' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const tiny = ['--hidden', '16', '--embedding', '8', '--seq-len', '16', '--batch', '4'];

test('train, then sample and eval from the checkpoint', () => {
  const dir = tempDir();
  const corpus = join(dir, 'corpus.txt'), out = join(dir, 'run', 'm.safetensors');
  writeFileSync(corpus, generatedCorpus());
  const t = unfold('train', corpus, ...tiny, '--steps', '6', '--out', out);
  assert.equal(t.status, 0, t.stderr);
  assert.match(t.stdout, /done: 6 steps/);
  assert.match(t.stdout, /validation loss \d+\.\d+ nats\/char/);
  assert.match(t.stdout, /sample:\n/);
  assert.ok(existsSync(out));
  const log = readFileSync(out.replace('.safetensors', '.metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { kind: string; step: number });
  assert.deepEqual(log.filter((e) => e.kind === 'step').map((e) => e.step), [1, 2, 3, 4, 5, 6]);

  const s = unfold('sample', '--checkpoint', out, '--prime', '(one', '--length', '30', '--seed', '3');
  assert.equal(s.status, 0, s.stderr);
  assert.ok(s.stdout.startsWith('(one'), s.stdout);
  assert.equal([...s.stdout.trimEnd()].length >= 4 + 1, true);
  const again = unfold('sample', '--checkpoint', out, '--prime', '(one', '--length', '30', '--seed', '3');
  assert.equal(again.stdout, s.stdout, 'same seed, same sample');

  const e = unfold('eval', corpus, '--checkpoint', out);
  assert.equal(e.status, 0, e.stderr);
  assert.match(e.stdout, /^\d+\.\d+ nats\/char/);
});

test('--lr, --warmup and --min-lr-ratio shape the schedule the run logs', () => {
  const dir = tempDir();
  const corpus = join(dir, 'corpus.txt'), out = join(dir, 'm.safetensors');
  writeFileSync(corpus, generatedCorpus());
  const t = unfold('train', corpus, ...tiny, '--steps', '4', '--lr', '0.01', '--warmup', '2', '--min-lr-ratio', '0.2', '--out', out);
  assert.equal(t.status, 0, t.stderr);
  const lrs = readFileSync(out.replace('.safetensors', '.metrics.jsonl'), 'utf8').trim().split('\n')
    .map((l) => JSON.parse(l) as { kind: string; lr: number }).filter((e) => e.kind === 'step').map((e) => e.lr);
  // Step s of 4: min(1, (s + 1)/2) · (0.002 + 0.008 · (1 + cos(π s / 4)) / 2), by hand.
  const want = [0.005, 0.002 + 0.008 * (1 + Math.SQRT1_2) / 2, 0.006, 0.002 + 0.008 * (1 - Math.SQRT1_2) / 2];
  assert.equal(lrs.length, 4);
  lrs.forEach((lr, s) => assert.ok(Math.abs(lr - want[s]) < 1e-12, `step ${s}: lr ${lr}, expected ${want[s]}`));
  const bad = unfold('train', corpus, '--min-lr-ratio', '1.5', '--steps', '1', '--out', out);
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /1\.5/);
});

test('--beta1 and --beta2 reach AdamW: after one step m²/v = (1 − β1)²/(1 − β2) for every weight', async () => {
  const { loadSafetensorsSync } = await import('../../src/io/node.js');
  const dir = tempDir();
  const corpus = join(dir, 'corpus.txt');
  writeFileSync(corpus, generatedCorpus());
  // After one step m = (1 − β1)·g and v = (1 − β2)·g², whatever the gradient g.
  const { TRAIN_DEFAULTS } = await import('../../src/train/options.js');
  const cases: [number, number, string[]][] = [[0.5, 0.75, ['--beta1', '0.5', '--beta2', '0.75']], [TRAIN_DEFAULTS.beta1, TRAIN_DEFAULTS.beta2, []]];
  for (const [b1, b2, flags] of cases) {
    const out = join(dir, `m${b1}.safetensors`);
    const t = unfold('train', corpus, ...tiny, '--steps', '1', ...flags, '--out', out);
    assert.equal(t.status, 0, t.stderr);
    const { tensors } = loadSafetensorsSync(out.replace('.safetensors', '.state.safetensors'));
    const want = (1 - b1) ** 2 / (1 - b2);
    let checked = 0;
    for (const [name, m] of Object.entries(tensors)) {
      if (!name.endsWith('.exp_avg')) continue;
      const v = tensors[name.replace(/exp_avg$/, 'exp_avg_sq')];
      m.data.forEach((mi, i) => {
        if (v.data[i] < 1e-20) return;
        assert.ok(Math.abs(mi * mi / v.data[i] - want) < 1e-3 * want, `${name}[${i}]: m²/v = ${mi * mi / v.data[i]}, expected ${want}`);
        checked++;
      });
    }
    assert.ok(checked > 100, `only ${checked} entries checked`);
  }
  const bad = unfold('train', corpus, '--beta2', '1', '--steps', '1', '--out', join(dir, 'x.safetensors'));
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /expected beta2 in \[0, 1\), got 1/);
});

test('train with no corpus uses the built-in corpus (the project source)', () => {
  const out = join(tempDir(), 'm.safetensors');
  const t = unfold('train', ...tiny, '--steps', '2', '--out', out);
  assert.equal(t.status, 0, t.stderr);
  assert.match(t.stderr, /built-in corpus: unfold's own source \(\d+ files/);
  assert.match(t.stdout, /done: 2 steps/);
});

test('bad input gets one clear error line and exit status 1', () => {
  const dir = tempDir();
  const empty = join(dir, 'empty.txt');
  writeFileSync(empty, '');
  const missing = unfold('train', join(dir, 'nope.txt'), '--steps', '1');
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /nope\.txt/);
  const e = unfold('train', empty, '--steps', '1');
  assert.equal(e.status, 1);
  assert.match(e.stderr, /empty/);
  assert.doesNotMatch(e.stderr, /\n\s+at /, 'no stack trace');
  const flag = unfold('train', '--hidden', 'abc');
  assert.notEqual(flag.status, 0);
  assert.match(flag.stderr, /expected an integer >= 1, got 'abc'/);
  // a run refused for bad options leaves an earlier run's files as they were
  const out = join(dir, 'keep.safetensors');
  writeFileSync(join(dir, 'corpus.txt'), generatedCorpus(20));
  assert.equal(unfold('train', join(dir, 'corpus.txt'), ...tiny, '--steps', '1', '--out', out).status, 0);
  const logBefore = readFileSync(out.replace('.safetensors', '.metrics.jsonl'), 'utf8');
  const modelBefore = readFileSync(out);
  const tooLong = unfold('train', join(dir, 'corpus.txt'), '--seq-len', '5000', '--steps', '1', '--out', out);
  assert.equal(tooLong.status, 1);
  assert.match(tooLong.stderr, /expected at least 5001 tokens/);
  assert.equal(readFileSync(out.replace('.safetensors', '.metrics.jsonl'), 'utf8'), logBefore);
  assert.deepEqual(readFileSync(out), modelBefore);
  const bad = join(dir, 'bad.safetensors');
  writeFileSync(bad, 'this is not a checkpoint');
  const b = unfold('sample', '--checkpoint', bad);
  assert.equal(b.status, 1);
  assert.match(b.stderr, /bad\.safetensors is not a valid safetensors file/);
  assert.equal(readFileSync(bad, 'utf8'), 'this is not a checkpoint', 'nothing overwritten');
});

test('each command opens the checkpoints it takes, older formats included, and names the kind it does not take', async () => {
  const { TaskModel } = await import('../../src/tasks/task_model.js');
  const { saveCheckpoint } = await import('../../src/train/checkpoint_file.js');
  const legacy = join(ROOT, 'test', 'train', 'fixtures', 'legacy');
  const char = join(legacy, 'char_lstm.safetensors'), s2s = join(legacy, 'seq2seq_gru_general.safetensors');
  const dir = tempDir();
  writeFileSync(join(dir, 'text.txt'), 'hello, world\nhello\n');
  const e = unfold('eval', join(dir, 'text.txt'), '--checkpoint', char, '--seq-len', '4', '--batch', '2');
  assert.equal(e.status, 0, e.stderr);
  assert.match(e.stdout, /nats\/char/);
  const t = unfold('seq2seq', 'translate', '--checkpoint', s2s, '--max-len', '6', 'abc', 'fed cab');
  assert.equal(t.status, 0, t.stderr);
  assert.equal(t.stdout, '\n\n', 'the translations the writing model gave (see seq2seq_gru_general.json)');
  const s = unfold('sample', '--checkpoint', s2s);
  assert.equal(s.status, 1);
  assert.match(s.stderr, /unfold sample: expected a character-level language model checkpoint, got a seq2seq\.Seq2Seq model \(use unfold seq2seq translate or unfold viz\)/);
  const x = unfold('seq2seq', 'translate', '--checkpoint', char, 'abc');
  assert.equal(x.status, 1);
  assert.match(x.stderr, /unfold seq2seq translate: expected a seq2seq checkpoint, got a train\.CharModel model \(use unfold sample, unfold eval or unfold viz\)/);
  const task = join(dir, 'task.safetensors');
  await saveCheckpoint(task, { model: new TaskModel({ cell: 'rnn', inputSize: 2, hiddenSize: 3, outputSize: 2, readout: 'last' }) });
  const v = unfold('viz', '--checkpoint', task, join(dir, 'text.txt'), '--out', join(dir, 'r.html'));
  assert.equal(v.status, 1);
  assert.match(v.stderr, /unfold viz: expected a character-level language model, seq2seq or caption model checkpoint, got a tasks\.TaskModel model \(a task suite model: unfold tasks <task> --out DIR --resume trains it on/);
  assert.doesNotMatch(v.stderr, /\n\s+at /);
});

test('viz draws a caption checkpoint\'s attention over generated held-out images, with the captions the model gives', async () => {
  const { saveCheckpoint } = await import('../../src/train/checkpoint_file.js');
  const { captionsModel, heldOutSeed } = await import('../../src/tasks/captions.js');
  const { captionVocab, shapesDataset, decodeCaption } = await import('../../src/tasks/shapes_images.js');
  const { captionImages } = await import('../../src/seq2seq/caption_model.js');
  const vocab = captionVocab();
  const model = captionsModel({ attention: 'dot', hiddenSize: 8, embeddingSize: 4, channels: [4, 8], seed: 3 }, vocab);
  const dir = tempDir(), path = join(dir, 'cap.safetensors'), out = join(dir, 'cap.html');
  await saveCheckpoint(path, { model, vocabs: { target: vocab }, step: 7 });
  const r = unfold('viz', '--checkpoint', path, '--maps', '2', '--out', out);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, `report: ${out} (2 attention maps)\n`);
  const html = readFileSync(out, 'utf8');
  // The same images, captioned here by the same weights: the report shows these captions.
  const data = shapesDataset(2, heldOutSeed(0));
  const mine = captionImages(model, data.images, { maxLength: 20 }).map((h) => decodeCaption(vocab, h.tokens));
  for (const c of [...mine, ...data.captions]) assert.ok(html.includes(c), `report shows "${c}"`);
  assert.match(html, /step 7/);
  const none = join(dir, 'none.safetensors');
  await saveCheckpoint(none, { model: captionsModel({ attention: 'none', hiddenSize: 8, embeddingSize: 4, channels: [4, 8] }, vocab), vocabs: { target: vocab } });
  const n = unfold('viz', '--checkpoint', none, '--out', join(dir, 'n.html'));
  assert.equal(n.status, 1);
  assert.match(n.stderr, /expected attention additive, general or dot, got none/);
});
