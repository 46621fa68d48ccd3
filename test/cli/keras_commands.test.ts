// `unfold import keras` and `unfold export tfjs` end to end: a character model built in TensorFlow.js
// and saved to model.json + weights imports with its vocabulary, samples with `unfold sample`, and exports back to a folder that
// TensorFlow.js loads and runs to the original's outputs; without a vocabulary the layer stack is
// saved and exports the same way; bad input gives one line and exit status 1.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Linear } from '../../src/nn/layers/linear.js';
import { saveCheckpoint } from '../../src/train/checkpoint_file.js';
import { CLI, tempDir } from '../helpers/files.js';
import { assertClose } from '../helpers/tensors.js';
import { loadTfjs, predictTfjs, randomIds, randomizeWeights, saveTfjs, tf } from '../interop/keras/tfjs_models.js';

const CHARS = 'abcdefgh \n';
const V = CHARS.length, B = 2, T = 5;

function run(cli: string, ...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

async function savedCharModel(dir: string): Promise<tf.LayersModel> {
  const model = tf.sequential({
    layers: [
      tf.layers.embedding({ inputDim: V, outputDim: 4, inputLength: T }),
      tf.layers.lstm({ units: 6, returnSequences: true, recurrentActivation: 'sigmoid' }),
      tf.layers.dense({ units: V, activation: 'softmax' }),
    ],
  });
  randomizeWeights(model, 61);
  const { modelJson, weightData } = await saveTfjs(model);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'model.json'), JSON.stringify(modelJson));
  writeFileSync(join(dir, 'weights.bin'), weightData);
  writeFileSync(join(dir, 'char_to_idx.json'), JSON.stringify(Object.fromEntries([...CHARS].map((c, i) => [c, i]))));
  return model;
}

async function loadFolder(dir: string): Promise<tf.LayersModel> {
  const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as { modelTopology: unknown; weightsManifest: { paths: string[]; weights: unknown[] }[] };
  return loadTfjs(json, readFileSync(join(dir, json.weightsManifest[0].paths[0])));
}

test('unfold import keras --vocab, unfold sample, unfold export tfjs: a TensorFlow.js char model in and out', async () => {
  const dir = tempDir(), original = await savedCharModel(join(dir, 'tfjs'));
  const ckpt = join(dir, 'char.safetensors');
  const imp = run(CLI, 'import', 'keras', '--in', join(dir, 'tfjs', 'model.json'), '--out', ckpt, '--vocab', join(dir, 'tfjs', 'char_to_idx.json'));
  assert.equal(imp.status, 0, imp.stderr);
  assert.match(imp.stdout, /wrote .*char\.safetensors: a character model from .*model\.json \(lstm, 1 layer\(s\) of 6, 10 characters\)/);
  const s = run(CLI, 'sample', '--checkpoint', ckpt, '--prime', 'ab', '--length', '20', '--seed', '2');
  assert.equal(s.status, 0, s.stderr);
  assert.ok(s.stdout.startsWith('ab') && [...s.stdout.slice(0, -1)].every((c) => CHARS.includes(c)), JSON.stringify(s.stdout));
  const out = join(dir, 'exported');
  const exp = run(CLI, 'export', 'tfjs', '--checkpoint', ckpt, '--out', out);
  assert.equal(exp.status, 0, exp.stderr);
  assert.match(exp.stdout, /wrote .*model\.json, its weights and vocab\.json \(ids to characters\): a character model/);
  assert.deepEqual((JSON.parse(readFileSync(join(out, 'vocab.json'), 'utf8')) as { symbols: string[] }).symbols, [...CHARS]);
  const ids = randomIds(B, T, V, 62);
  const logits = predictTfjs(await loadFolder(out), ids, [B, T]);
  const probs = tf.softmax(tf.tensor(logits.values, logits.shape)).dataSync();
  assertClose(probs, predictTfjs(original, ids, [B, T]).values, 1e-5, 0, 'probabilities');
});

test('unfold import keras without --vocab saves the layer stack, which exports back to the same model', async () => {
  const dir = tempDir(), original = await savedCharModel(join(dir, 'tfjs'));
  const ckpt = join(dir, 'layers.safetensors');
  const imp = run(CLI, 'import', 'keras', '--in', join(dir, 'tfjs', 'model.json'), '--out', ckpt);
  assert.equal(imp.status, 0, imp.stderr);
  assert.match(imp.stdout, /the 3 layers of .*model\.json \(embedding, recurrent, dense\); open it with the library's loadCheckpoint\(\) or unfold export tfjs/);
  const out = join(dir, 'exported');
  assert.equal(run(CLI, 'export', 'tfjs', '--checkpoint', ckpt, '--out', out).status, 0);
  const ids = randomIds(B, T, V, 63);
  assertClose(predictTfjs(await loadFolder(out), ids, [B, T]).values, predictTfjs(original, ids, [B, T]).values, 1e-5, 0, 'outputs');
  const s = run(CLI, 'sample', '--checkpoint', ckpt);
  assert.equal(s.status, 1);
  assert.match(s.stderr, /unfold: error: .*expected a character-level language model checkpoint, got a interop\.KerasSequential model|unknown module class 'interop\.KerasSequential'/);
});

test('unfold import keras / export tfjs: bad input gives one line naming the problem and exit status 1', async () => {
  const dir = tempDir();
  await savedCharModel(join(dir, 'tfjs'));
  const missing = run(CLI, 'import', 'keras', '--in', join(dir, 'none.h5'), '--out', join(dir, 'x.safetensors'));
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /^\nunfold: error: cannot read Keras model .*none\.h5: no such file\n$/);
  writeFileSync(join(dir, 'short.json'), JSON.stringify(['a', 'b']));
  const vocab = run(CLI, 'import', 'keras', '--in', join(dir, 'tfjs', 'model.json'), '--out', join(dir, 'x.safetensors'), '--vocab', join(dir, 'short.json'));
  assert.equal(vocab.status, 1);
  assert.match(vocab.stderr, /short\.json: expected a vocabulary of 10 characters \(the model's\), got 2/);
  const linear = join(dir, 'linear.safetensors');
  await saveCheckpoint(linear, { model: new Linear({ inFeatures: 2, outFeatures: 2 }) });
  const exp = run(CLI, 'export', 'tfjs', '--checkpoint', linear, '--out', join(dir, 'o'));
  assert.equal(exp.status, 1);
  assert.match(exp.stderr, /expected a character model or an imported Keras model checkpoint, got a nn\.Linear model \(no unfold command takes this kind/);
});
