// `unfold export pytorch`: the folder holds the checkpoint (the same weights, vocabulary and step),
// the PyTorch module and the torchrun script. Where Debian's python3-torch is installed, PyTorch's
// module computes the logits unfold computes from the exported file, and two gloo processes under
// torchrun continue training to a checkpoint that unfold opens, at the next step count, with a lower
// loss on the corpus.

import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportPyTorch, PYTORCH_EXPORT_FILES } from '../../src/interop/pytorch/export_pytorch.js';
import { CharModel } from '../../src/train/char_model.js';
import { loadCheckpoint, saveCheckpoint } from '../../src/train/checkpoint_file.js';
import { evaluate } from '../../src/train/evaluate.js';
import { Vocab } from '../../src/data/vocab.js';
import { Seq2Seq } from '../../src/seq2seq/model.js';
import { Rng } from '../../src/tensor/random.js';
import { indices } from '../../src/autograd/ops/gather.js';
import { generatedCorpus } from '../helpers/corpus.js';
import { CLI, tempDir } from '../helpers/files.js';

const PYTHON = '/usr/bin/python3';
const torch = spawnSync(PYTHON, ['-c', 'import torch, torch.distributed as d; assert d.is_gloo_available()'], { encoding: 'utf8' }).status === 0;
const noTorch = !torch && 'needs Debian\'s python3-torch (apt-get install python3-torch) at /usr/bin/python3';

async function exported(): Promise<{ dir: string; out: string; model: CharModel; vocab: Vocab; text: string }> {
  const dir = tempDir(), text = generatedCorpus(300);
  const vocab = Vocab.fromText(text);
  const model = new CharModel({ vocabSize: vocab.size, hiddenSize: 16, embeddingSize: 8, numLayers: 2, cell: 'lstm' }, { rng: new Rng(5) });
  await saveCheckpoint(join(dir, 'c.safetensors'), { model, vocabs: { text: vocab }, step: 12 });
  writeFileSync(join(dir, 'corpus.txt'), text);
  const out = join(dir, 'pt');
  const files = await exportPyTorch(join(dir, 'c.safetensors'), out);
  assert.deepEqual(files, PYTORCH_EXPORT_FILES.map((f) => join(out, f)));
  return { dir, out, model, vocab, text };
}

test('export pytorch writes the same checkpoint, the module and the script, and refuses other kinds', async () => {
  const { dir, out, model, vocab } = await exported();
  const back = loadCheckpoint(join(out, 'model.safetensors'));
  assert.equal(back.step, 12);
  assert.deepEqual(back.vocabs.text.toJSON(), vocab.toJSON());
  for (const [k, t] of Object.entries(model.stateDict())) assert.deepEqual(back.model.stateDict()[k].dataSync(), t.dataSync(), k);
  assert.match(readFileSync(join(out, 'README.txt'), 'utf8'), /LSTM, 2 layer\(s\), hidden 16, embedding 8/);
  assert.match(readFileSync(join(out, 'train_ddp.py'), 'utf8'), /DistributedDataParallel/);
  const s2s = join(dir, 's2s.safetensors');
  await saveCheckpoint(s2s, { model: new Seq2Seq({ srcVocabSize: 4, tgtVocabSize: 5, embeddingSize: 3, hiddenSize: 4, cell: 'gru', attention: 'none' }),
    vocabs: { source: Vocab.fromText('abc'), target: Vocab.fromText('abcd') } });
  await assert.rejects(exportPyTorch(s2s, join(dir, 'x')), /unfold export pytorch: expected a character-level language model checkpoint, got a seq2seq\.Seq2Seq model/);
  // The command: the same files, listed; a wrong kind is one error line and exit status 1.
  const cli = spawnSync(process.execPath, [CLI, 'export', 'pytorch', '--checkpoint', join(dir, 'c.safetensors'), '--out', join(dir, 'cli')], { encoding: 'utf8' });
  assert.equal(cli.status, 0, cli.stderr);
  assert.deepEqual(cli.stdout.split('\n').slice(0, 4), PYTORCH_EXPORT_FILES.map((f) => join(dir, 'cli', f)));
  const bad = spawnSync(process.execPath, [CLI, 'export', 'pytorch', '--checkpoint', s2s, '--out', join(dir, 'cli2')], { encoding: 'utf8' });
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /unfold: error: unfold export pytorch: expected a character-level language model checkpoint/);
});

test('PyTorch computes unfold\'s logits from the export, and torchrun with two gloo processes trains it on', { skip: noTorch, timeout: 180_000 }, async () => {
  const { dir, out, model, vocab, text } = await exported();
  const ids = [[1, 2, 3, 4, 5, 6], [6, 5, 4, 3, 2, 1]];
  const py = spawnSync(PYTHON, ['-c', `
import json, torch
from unfold_torch import load_checkpoint
model, vocab, step, _ = load_checkpoint('model.safetensors')
with torch.no_grad():
    logits, _ = model.eval()(torch.tensor(${JSON.stringify(ids)}))
print(json.dumps(logits.flatten().tolist()))`], { cwd: out, encoding: 'utf8' });
  assert.equal(py.status, 0, py.stderr);
  const theirs = JSON.parse(py.stdout) as number[];
  const [mine] = model.forward(indices(ids.flat(), [2, 6]));
  const m = mine.dataSync();
  assert.equal(theirs.length, m.length);
  theirs.forEach((v, i) => assert.ok(Math.abs(v - m[i]) < 1e-5, `logit ${i}: PyTorch ${v}, unfold ${m[i]}`));

  const before = evaluate(model, vocab.encode(text), { batchSize: 4, seqLen: 32 });
  const run = spawnSync(PYTHON, ['-m', 'torch.distributed.run', '--nproc_per_node', '2', '--redirects', '1', '--tee', '1',
    'train_ddp.py', '--checkpoint', 'model.safetensors', '--corpus', join(dir, 'corpus.txt'), '--out', 'trained.safetensors',
    '--steps', '40', '--batch', '8', '--seq-len', '32', '--lr', '1e-2', '--log-every', '20'], { cwd: out, encoding: 'utf8', timeout: 150_000 });
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /step 52 loss [\d.]+ \d+ tokens\/s on 2 processes/);
  const trained = loadCheckpoint(join(out, 'trained.safetensors'));
  assert.equal(trained.step, 52, 'the exported step (12) plus 40');
  assert.deepEqual(trained.vocabs.text.toJSON(), vocab.toJSON());
  const after = evaluate(trained.model as CharModel, vocab.encode(text), { batchSize: 4, seqLen: 32 });
  assert.ok(after < before - 0.3, `40 data-parallel steps lower the loss: ${before} → ${after}`);
});
