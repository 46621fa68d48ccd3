// The one checkpoint format: every model family goes to a file and comes back from the file alone
// with exactly its outputs; the tensors are the model's state dict under its own names; the files
// written by the two formats before this one (test/train/fixtures/legacy) still load and give the
// outputs their models gave; and each damaged part is refused with the file's name and what was
// expected.

import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { Rng } from '../../src/tensor/random.js';
import { zeros } from '../../src/tensor/tensor.js';
import { noGrad } from '../../src/autograd/grad_mode.js';
import { indices } from '../../src/autograd/ops/gather.js';
import { parseSafetensors, serializeSafetensors } from '../../src/io/safetensors.js';
import { Linear, serializeModule } from '../../src/nn/index.js';
import { Vocab } from '../../src/data/vocab.js';
import { CharModel } from '../../src/train/char_model.js';
import { Seq2Seq } from '../../src/seq2seq/model.js';
import { padBatch, targetBatch } from '../../src/seq2seq/batch.js';
import { translate } from '../../src/seq2seq/translate.js';
import { MODEL_KEY, STEP_KEY, VOCABS_KEY, deserializeCheckpoint, expectModel, serializeCheckpoint } from '../../src/train/checkpoint.js';
import { loadCheckpoint, saveCheckpoint, saveCheckpointSync } from '../../src/train/checkpoint_file.js';
import { ZOO } from '../nn/model_zoo.js';
import { tempDir } from '../helpers/files.js';
import { vocabsFor } from '../helpers/checkpoint_fuzz.js';

// compiled to dist/test/train; the fixtures stay in the source tree
const legacy = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'test', 'train', 'fixtures', 'legacy');

const letters = (n: number): string[] => Array.from({ length: n }, (_, i) => String.fromCharCode(97 + i));

const models = ZOO.filter((c) => c.model);

test('the round trip covers every model family', () => {
  const names = new Set(models.map((c) => c.className));
  for (const n of ['train.CharModel', 'seq2seq.Seq2Seq', 'seq2seq.CaptionModel', 'tree.RecursiveNet', 'tree.TreeClassifier', 'tree.TreeRegressor', 'tasks.TaskModel', 'esn.ESN']) {
    assert.ok(names.has(n), n);
  }
});

for (const [k, c] of models.entries()) {
  test(`${c.className} (case ${k}): saved to a file, loaded from the file alone, gives the same outputs`, async () => {
    const m = c.build(new Rng(500 + k));
    const vocabs = vocabsFor(m);
    const path = join(tempDir(), 'm.safetensors');
    await saveCheckpoint(path, { model: m, vocabs, step: 7 + k });
    const back = loadCheckpoint(path);
    assert.notEqual(back.model, m);
    assert.equal(back.model.constructor, m.constructor);
    assert.equal(back.step, 7 + k);
    assert.deepEqual(Object.fromEntries(Object.entries(back.vocabs).map(([n, v]) => [n, v.toJSON()])), Object.fromEntries(Object.entries(vocabs).map(([n, v]) => [n, v.toJSON()])));
    const want = c.run(m, new Rng(3)).map((a) => Array.from(a));
    const got = c.run(back.model, new Rng(3)).map((a) => Array.from(a));
    assert.deepEqual(got, want);
  });
}

test("the file's tensors are the model's state dict under its own names, with format 'pt' and the model spec in the metadata", () => {
  const m = new CharModel({ vocabSize: 5, cell: 'lstm', hiddenSize: 3, numLayers: 2, embeddingSize: 2, dropout: 0 }, { rng: new Rng(2) });
  const bytes = serializeCheckpoint({ model: m, vocabs: { text: new Vocab(letters(4)) }, step: 12 });
  const { tensors, metadata } = parseSafetensors(bytes);
  assert.deepEqual(Object.keys(tensors).sort(), Object.keys(m.stateDict()).sort());
  for (const [n, t] of Object.entries(m.stateDict())) assert.deepEqual(Array.from(tensors[n].data), Array.from(t.data), n);
  assert.equal(metadata.format, 'pt');
  assert.deepEqual(JSON.parse(metadata[MODEL_KEY]), serializeModule(m));
  assert.equal(serializeModule(m).className, 'train.CharModel');
  assert.deepEqual(JSON.parse(metadata[VOCABS_KEY]).text.symbols, letters(4));
  assert.equal(metadata[STEP_KEY], '12');
  // The synchronous writer writes the same bytes.
  const path = join(tempDir(), 's.safetensors');
  saveCheckpointSync(path, { model: m, vocabs: { text: new Vocab(letters(4)) }, step: 12 });
  assert.deepEqual(new Uint8Array(readFileSync(path)), bytes);
});

interface CharExpected { step: number; ids: number[][]; shape: number[]; logits: number[]; state: number[][] }
interface Seq2SeqExpected { step: number; sources: string[]; targets: string[]; shape: number[]; logits: number[]; weights: number[]; translations: string[] }

function assertNear(got: ArrayLike<number>, want: readonly number[], what: string): void {
  assert.equal(got.length, want.length, `${what}: length`);
  let worst = 0;
  for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]));
  assert.ok(worst < 1e-6, `${what} differ from the writing model's by up to ${worst}`);
}

test('a character-model checkpoint of the older format loads and gives the outputs of the model that wrote it', () => {
  const c = loadCheckpoint(join(legacy, 'char_lstm.safetensors'));
  const want = JSON.parse(readFileSync(join(legacy, 'char_lstm.json'), 'utf8')) as CharExpected;
  const model = expectModel(c, CharModel, 'a character-level language model', 'test');
  assert.equal(c.step, want.step);
  assert.deepEqual(model.getConfig(), { vocabSize: 11, cell: 'lstm', hiddenSize: 5, numLayers: 2, embeddingSize: 3, dropout: 0.1, forgetBias: 1 });
  assert.deepEqual(c.vocabs.text.symbols, [...'\n ,dehlorw']);
  assert.deepEqual(Array.from(c.vocabs.text.encode('hello')), want.ids[0]);
  model.eval();
  const [logits, state] = noGrad(() => model.forward(indices(want.ids.flat(), [2, 5])));
  assert.deepEqual([...logits.shape], want.shape);
  assertNear(logits.data, want.logits, 'logits');
  state.forEach((s, i) => assertNear(s.data, want.state[i], `state ${i}`));
});

test('a seq2seq checkpoint of the older format loads and gives the outputs and translations of the model that wrote it', () => {
  const c = loadCheckpoint(join(legacy, 'seq2seq_gru_general.safetensors'));
  const want = JSON.parse(readFileSync(join(legacy, 'seq2seq_gru_general.json'), 'utf8')) as Seq2SeqExpected;
  const model = expectModel(c, Seq2Seq, 'a seq2seq', 'test');
  const { source, target } = c.vocabs;
  assert.equal(c.step, want.step);
  assert.equal(model.getConfig().attention, 'general');
  model.eval();
  const src = padBatch(want.sources.map((s) => source.encode(s)));
  const tgt = targetBatch(want.targets.map((t) => target.encode(t)));
  const out = noGrad(() => model.forward(src.ids, src.lengths, tgt.input));
  assert.deepEqual([...out.logits.shape], want.shape);
  assertNear(out.logits.data, want.logits, 'logits');
  assertNear(out.weights!.data, want.weights, 'attention weights');
  assert.deepEqual(translate(model, source, target, want.sources, { maxLength: 6 }), want.translations);
});

test('damaged checkpoints are refused with the name and what was expected', () => {
  const m = new CharModel({ vocabSize: 5, cell: 'gru', hiddenSize: 3, numLayers: 1, embeddingSize: 2, dropout: 0 }, { rng: new Rng(4) });
  const text = new Vocab(letters(4));
  const good = parseSafetensors(serializeCheckpoint({ model: m, vocabs: { text }, step: 1 }));
  // The good file with some metadata replaced (or dropped, for undefined) and some tensors.
  const edit = (meta: Record<string, string | undefined>, tensors = good.tensors): Uint8Array => {
    const metadata = Object.fromEntries(Object.entries({ ...good.metadata, ...meta }).filter(([, v]) => v !== undefined)) as Record<string, string>;
    return serializeSafetensors(tensors, metadata);
  };
  const refused = (bytes: Uint8Array, pattern: RegExp): void => { assert.throws(() => deserializeCheckpoint(bytes, 'f.safetensors'), pattern); };
  refused(new TextEncoder().encode('not a checkpoint'), /^Error: f\.safetensors is not a valid safetensors file: /);
  refused(serializeSafetensors(good.tensors, { format: 'pt' }), /f\.safetensors: expected an unfold checkpoint with 'unfold\.model' in its metadata, got keys \[format\]/);
  refused(edit({ [MODEL_KEY]: '{oops' }), /f\.safetensors: expected JSON in metadata 'unfold\.model', got "\{oops"/);
  refused(edit({ [VOCABS_KEY]: undefined }), /f\.safetensors: expected 'unfold\.vocabs' in the checkpoint's metadata/);
  refused(edit({ [VOCABS_KEY]: '[]' }), /f\.safetensors: expected metadata 'unfold\.vocabs' to be an object of vocabularies by name, got an array/);
  refused(edit({ [MODEL_KEY]: JSON.stringify({ className: 'nn.Nope', config: {} }) }), /f\.safetensors: bad model config: fromConfig: expected a registered module class \(.*\), got unknown "nn\.Nope"/);
  refused(edit({ [MODEL_KEY]: JSON.stringify({ className: 'train.CharModel', config: { ...m.getConfig(), cell: 'tree' } }) }),
    /f\.safetensors: bad model config: fromConfig: bad config for train\.CharModel: expected cell rnn, lstm or gru, got tree/);
  refused(edit({ [VOCABS_KEY]: JSON.stringify({ text: { type: 'vocab', symbols: 'ab' } }) }), /f\.safetensors: bad vocabulary "text": expected vocabulary "symbols" to be an array of symbols, got string/);
  refused(edit({ [VOCABS_KEY]: JSON.stringify({ words: text }) }), /f\.safetensors: expected vocabularies named \[text\] for train\.CharModel, got \[words\]/);
  refused(edit({ [VOCABS_KEY]: JSON.stringify({ text: new Vocab(letters(5)) }) }), /f\.safetensors: expected a vocabulary of 5 symbols \(the model's\), got 6/);
  const { 'head.bias': _dropped, ...fewer } = good.tensors;
  refused(edit({}, fewer), /f\.safetensors: loadStateDict: expected a state dict of exactly the module's tensors, got one without head\.bias/);
  refused(edit({}, { ...good.tensors, 'head.bias': zeros([4]) }), /f\.safetensors: loadStateDict: expected head\.bias of shape \[5\], got \[4\]/);
  // Models without vocabularies need none; a step that is not a count is refused, a missing one reads as 0.
  const lin = new Linear({ inFeatures: 2, outFeatures: 1 });
  const plain = parseSafetensors(serializeCheckpoint({ model: lin }));
  for (const step of ['-3', '1.5', '1e3', '', ' 7', '007', 'NaN', '9007199254740993']) {
    refused(serializeSafetensors(plain.tensors, { ...plain.metadata, [STEP_KEY]: step }), new RegExp(`^Error: f\\.safetensors: expected metadata 'unfold\\.step' to be an integer >= 0, got ${JSON.stringify(step).replace(/[.+]/g, '\\$&')}$`));
  }
  const { [STEP_KEY]: _step, ...noStep } = plain.metadata;
  assert.equal(deserializeCheckpoint(serializeSafetensors(plain.tensors, noStep)).step, 0);
  assert.throws(() => serializeCheckpoint({ model: lin, step: 1.5 }), /expected a step that is an integer >= 0, got 1\.5/);
  // A file on disk names its path.
  const path = join(tempDir(), 'broken.safetensors');
  writeFileSync(path, edit({ [MODEL_KEY]: '{oops' }));
  assert.throws(() => loadCheckpoint(path), (e: Error) => e.message.startsWith(`${path}: expected JSON in metadata 'unfold.model'`));
  assert.throws(() => expectModel(loadCheckpoint(join(legacy, 'char_lstm.safetensors')), Seq2Seq, 'a seq2seq', 'who'),
    /who: expected a seq2seq checkpoint, got a train\.CharModel model/);
});
