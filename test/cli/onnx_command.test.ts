// `unfold export onnx` and `unfold import onnx` as a user runs them: a character model checkpoint
// goes out to ONNX and back, and the checkpoint that comes back samples the same text; a seq2seq
// checkpoint writes an encoder and a decoder file; what cannot be exported or imported gives one
// line naming the file and what was expected, exit status 1.

import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir, CLI } from '../helpers/files.js';
import { CharModel } from '../../src/train/char_model.js';
import { saveCheckpoint } from '../../src/train/checkpoint_file.js';
import { Vocab } from '../../src/data/vocab.js';
import { Seq2Seq } from '../../src/seq2seq/model.js';
import { Linear } from '../../src/nn/layers/linear.js';

function unfold(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, UNFOLD_DEBUG: '' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('unfold export onnx, then unfold import onnx: the character model comes back and samples the same text', async () => {
  const dir = tempDir();
  const text = new Vocab([...'abcdefgh \n']);
  const ckpt = join(dir, 'char.safetensors'), onnxFile = join(dir, 'char.onnx'), back = join(dir, 'back.safetensors');
  await saveCheckpoint(ckpt, { model: new CharModel({ vocabSize: text.size, cell: 'lstm', hiddenSize: 8, numLayers: 2, embeddingSize: 4 }), vocabs: { text } });
  const e = unfold('export', 'onnx', '--checkpoint', ckpt, '--out', onnxFile);
  assert.equal(e.status, 0, e.stderr);
  assert.equal(e.stdout, `wrote ${onnxFile} (model): ids int64 [batch, time], h0 float [2, batch, 8], c0 float [2, batch, 8] → logits float [batch, time, ${text.size}], h_n float [2, batch, 8], c_n float [2, batch, 8]\n`);
  const i = unfold('import', 'onnx', '--in', onnxFile, '--out', back);
  assert.equal(i.status, 0, i.stderr);
  assert.match(i.stdout, /^wrote .*back\.safetensors: train\.CharModel from 2 recurrent node\(s\) \[LSTM, LSTM\] of .*char\.onnx\n\(use unfold sample/);
  const sample = (f: string): string => unfold('sample', '--checkpoint', f, '--length', '40', '--seed', '5').stdout;
  assert.equal(sample(back), sample(ckpt));
  const noState = unfold('export', 'onnx', '--checkpoint', ckpt, '--out', onnxFile, '--no-state', '--lengths');
  assert.match(noState.stdout, /: ids int64 \[batch, time\], lengths int64 \[batch\] → logits/);
});

test('unfold export onnx: a seq2seq checkpoint writes an encoder and a one-step decoder', async () => {
  const dir = tempDir();
  const ckpt = join(dir, 's2s.safetensors');
  const source = new Vocab([...'abc'], { specials: ['pad', 'bos', 'eos', 'unk'] }), target = new Vocab([...'xyz'], { specials: ['pad', 'bos', 'eos', 'unk'] });
  const model = new Seq2Seq({ srcVocabSize: source.size, tgtVocabSize: target.size, embeddingSize: 4, hiddenSize: 5, cell: 'gru', attention: 'additive' });
  await saveCheckpoint(ckpt, { model, vocabs: { source, target } });
  const r = unfold('export', 'onnx', '--checkpoint', ckpt, '--out', join(dir, 's2s.onnx'));
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^wrote .*s2s\.encoder\.onnx \(encoder\): source int64 \[batch, source_time\], source_lengths int64 \[batch\] → memory/m);
  assert.match(r.stdout, /^wrote .*s2s\.decoder\.onnx \(decoder\): prev int64 \[batch\], h_l0 float \[batch, 5\], feed .* → .*logits float \[batch, 7\].*attention float \[batch, source_time\]$/m);
  assert.ok(existsSync(join(dir, 's2s.encoder.onnx')) && existsSync(join(dir, 's2s.decoder.onnx')));
});

test('unfold export / import onnx: what cannot be converted gives one line naming the file', async () => {
  const dir = tempDir();
  const lin = join(dir, 'linear.safetensors');
  await saveCheckpoint(lin, { model: new Linear({ inFeatures: 2, outFeatures: 3 }) });
  const e = unfold('export', 'onnx', '--checkpoint', lin, '--out', join(dir, 'x.onnx'));
  assert.equal(e.status, 1);
  assert.equal(e.stderr, `\nunfold: error: ${lin}: ONNX export: expected a character model, a seq2seq model, a recurrent stack (nn.RNN, LSTM, GRU, Recurrence, Bidirectional, StackedRNN) or an imported RecurrentModel, got nn.Linear\n`);
  const junk = join(dir, 'junk.onnx');
  writeFileSync(junk, 'not a model at all');
  const i = unfold('import', 'onnx', '--in', junk, '--out', join(dir, 'y.safetensors'));
  assert.equal(i.status, 1);
  assert.ok(i.stderr.startsWith(`\nunfold: error: ${junk} is not an ONNX model: `), i.stderr);
  assert.equal(i.stderr.trim().split('\n').length, 1, 'one line');
});
