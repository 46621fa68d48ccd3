// The checkpoint reader against files that lie: a few hundred bytes whose config asks for gigabytes
// (refused before anything large is allocated, with the limit and the request in the message),
// configs that no class could have written, weights that are not finite in any dtype (refused,
// naming the tensor and the element, unless allowNonFinite), tensors that are not the model's, and
// vocabularies that keep their size but change what the ids mean.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/tensor/random.js';
import { tensor } from '../../src/tensor/tensor.js';
import { parseSafetensors, serializeSafetensors } from '../../src/io/safetensors.js';
import { SEQUENCE_SPECIALS, Vocab } from '../../src/data/vocab.js';
import { CharModel } from '../../src/train/char_model.js';
import { Seq2Seq } from '../../src/seq2seq/model.js';
import { ESN, timeSeries } from '../../src/esn/index.js';
import '../../src/interop/keras/keras_sequential.js';
import '../../src/tasks/task_model.js';
import { MODEL_KEY, VOCABS_KEY, deserializeCheckpoint, serializeCheckpoint } from '../../src/train/checkpoint.js';
import { assemble } from '../helpers/checkpoint_mutations.js';

const letters = (n: number): string[] => Array.from({ length: n }, (_, i) => String.fromCharCode(97 + i));
const charModel = (): CharModel => new CharModel({ vocabSize: 5, cell: 'lstm', hiddenSize: 3, numLayers: 1, embeddingSize: 2, dropout: 0 }, { rng: new Rng(1) });
const charFile = (m = charModel()): Uint8Array => serializeCheckpoint({ model: m, vocabs: { text: new Vocab(letters(4)) }, step: 1 });

/** A file with no tensors whose metadata describes `spec`. */
const specOnly = (spec: string): Uint8Array => serializeSafetensors({}, { format: 'pt', [MODEL_KEY]: spec, [VOCABS_KEY]: '{}' });

/** deserializeCheckpoint's error message, and how much array-buffer memory grew meanwhile. */
function refusal(bytes: Uint8Array): { message: string; grew: number } {
  const before = process.memoryUsage().arrayBuffers;
  try {
    deserializeCheckpoint(bytes, 'f.safetensors');
  } catch (e) {
    assert.ok(!(e instanceof TypeError || e instanceof RangeError), `a V8 internal: ${String(e)}`);
    return { message: (e as Error).message, grew: process.memoryUsage().arrayBuffers - before };
  }
  return assert.fail('the file was accepted');
}

test('a tiny file whose config asks for gigabytes is refused before they are allocated', () => {
  const char = (over: object): string => JSON.stringify({ className: 'train.CharModel', config: { vocabSize: 5, cell: 'lstm', hiddenSize: 3, numLayers: 1, embeddingSize: 2, dropout: 0, ...over } });
  const cases: [string, RegExp][] = [
    [char({ hiddenSize: 20000 }), /expected at most 128 MB of tensor memory \(the file's 0 tensors of 0 bytes, and 128 MB and 1024 tensors for what files do not store\), got a request for 6\.0 GB after 625 KB/],
    [char({ vocabSize: 1e9 }), /expected at most 128 MB of tensor memory .*, got a request for 7\.5 GB after 0 bytes/],
    [char({ embeddingSize: 1e9 }), /got a request for 19 GB/],
    [char({ numLayers: 1000 }), /expected at most 1024 tensors \(the file's 0 tensors/],
    [char({ numLayers: 1000000 }), /expected numLayers to be a positive integer <= 1024, got 1000000/],
    [JSON.stringify({ className: 'seq2seq.Seq2Seq', config: { srcVocabSize: 9, tgtVocabSize: 7, embeddingSize: 3, hiddenSize: 100000, cell: 'gru' } }), /got a request for \d+ GB/],
    [JSON.stringify({ className: 'esn.ESN', config: { units: 1e9, inputSize: 1, outputSize: 1 } }), /expected tensor state of shape \[1000000000\] \(units 1000000000, outputSize 1\), got none/],
    // The clockwork cell's per-unit loop once ran over 2^32 units before any allocation was refused.
    [JSON.stringify({ className: 'tasks.TaskModel', config: { cell: 'clockwork', inputSize: 3, hiddenSize: 2 ** 32, outputSize: 2, readout: 'all' } }), /got a request for 48 GB/],
  ];
  for (const [spec, pattern] of cases) {
    const bytes = specOnly(spec);
    assert.ok(bytes.length < 400, `${bytes.length} bytes`);
    const { message, grew } = refusal(bytes);
    assert.match(message, /^f\.safetensors: bad model config: fromConfig: bad config for [\w.]+: expected /);
    assert.match(message, pattern);
    assert.ok(grew < 16 * 2 ** 20, `array buffers grew by ${grew} bytes`);
  }
});

test("an ESN's config is checked against the state it stores before its reservoir is drawn", () => {
  const net = new ESN({ units: 20, inputSize: 1, outputSize: 1, seed: 3 });
  const u = Array.from({ length: 40 }, (_, t) => Math.sin(t / 3));
  net.fit(timeSeries(u.slice(0, 39)), timeSeries(u.slice(1)), { washout: 5 });
  const good = parseSafetensors(serializeCheckpoint({ model: net }));
  const spec = JSON.parse(good.metadata[MODEL_KEY]) as { config: Record<string, unknown> };
  // 3000 units with the exact spectral radius would take minutes to draw; the file's state says 20.
  spec.config.units = 3000;
  spec.config.radiusMethod = 'exact';
  const { message } = refusal(serializeSafetensors(good.tensors, { ...good.metadata, [MODEL_KEY]: JSON.stringify(spec) }));
  assert.match(message, /bad config for esn\.ESN: expected tensor state of shape \[3000\] \(units 3000, outputSize 1\), got \[20\]$/);
  // A consistent file whose reservoir is dense and large is refused by the budget, before drawing it.
  spec.config.units = 6000;
  spec.config.density = 1;
  const big = { ...good.tensors, state: tensor(new Float64Array(6000)), weight_out: tensor(new Float64Array(6002), [1, 6002]) };
  assert.match(refusal(serializeSafetensors(big, { ...good.metadata, [MODEL_KEY]: JSON.stringify(spec) })).message, /expected at most 128 MB of tensor memory \(the file's 3 tensors of 94 KB, .*\), got a request for 961 MB after 0 bytes$/);
});

test('configs no class could have written are refused with what came, not a V8 error', () => {
  const base = { vocabSize: 5, cell: 'lstm', hiddenSize: 3, numLayers: 1, embeddingSize: 2, dropout: 0 };
  const spec = (config: unknown): string => JSON.stringify({ className: 'train.CharModel', config });
  const cases: [string, RegExp][] = [
    [spec(null), /bad config for train\.CharModel: expected an object, got null$/],
    [spec([1, 2]), /expected an object, got an array$/],
    [spec(5), /expected an object, got number 5$/],
    ['null', /expected a module spec \{ className, config \}, got null$/],
    [spec({ ...base, vocabSize: [5] }), /expected vocabSize to be a positive integer, got an array$/],
    [spec({ ...base, hiddenSize: '3' }), /expected hiddenSize to be a positive integer, got string "3"$/],
    [spec({ ...base, hiddenSize: 2.5 }), /expected hiddenSize to be a positive integer, got 2\.5$/],
    [spec({ ...base, hiddenSize: null }), /expected hiddenSize to be a positive integer, got null$/],
    [spec({ ...base, cell: { toString: 1 } }), /expected config keys that are not built-in property names, got "toString" at \.cell$/],
    [spec({ ...base, cell: '__DEEP__' }).replace('"__DEEP__"', `${'['.repeat(10000)}${']'.repeat(10000)}`), /expected a config nested at most 32 levels deep, got deeper at \.cell(\[0\])+$/],
    [spec({ ...base, cell: 'x'.repeat(5000) }), /expected strings of at most 1000 characters, got 5000 at \.cell$/],
    [spec({ ...base, hiddenSize: '__INF__' }).replace('"__INF__"', '1e999'), /expected finite numbers, got Infinity at \.hiddenSize$/],
  ];
  // A Keras import's layer without the field forward() reads (its loaded model crashed in forward).
  const dense = { kind: 'dense', name: 'd', timeDistributed: true, module: { className: 'nn.Linear', config: { inFeatures: 2, outFeatures: 2 } } };
  cases.push([JSON.stringify({ className: 'interop.KerasSequential', config: { layers: [dense] } }), /expected layer 0's activation to be an activation name, got undefined$/]);
  cases.push([JSON.stringify({ className: 'interop.KerasSequential', config: { layers: [{ ...dense, activation: 'linear', timeDistributed: 1 }] } }), /expected layer 0's timeDistributed to be a boolean, got number 1$/]);
  for (const [s, pattern] of cases) assert.match(refusal(specOnly(s)).message, pattern, s.slice(0, 80));
});

// The file of `m` with the tensor `name` re-encoded: `encode` writes its float32 values as `dtype` bytes.
function reencoded(bytes: Uint8Array, name: string, dtype: string, encode: (values: Float32Array) => Uint8Array): Uint8Array {
  const { tensors, metadata } = parseSafetensors(bytes);
  const header: Record<string, unknown> = { __metadata__: metadata };
  const parts: Uint8Array[] = [];
  let at = 0;
  for (const n of Object.keys(tensors).sort()) {
    const t = tensors[n];
    const data = n === name ? encode(t.data as Float32Array) : new Uint8Array(t.data.buffer.slice(0));
    header[n] = { dtype: n === name ? dtype : 'F32', shape: t.shape, data_offsets: [at, at + data.length] };
    parts.push(data);
    at += data.length;
  }
  const all = new Uint8Array(at);
  parts.reduce((o, p) => { all.set(p, o); return o + p.length; }, 0);
  return assemble(header, all);
}

test('weights that are not finite are refused in every dtype, naming the tensor and the element, unless allowed', () => {
  const f64 = (bad: number) => (v: Float32Array) => { const d = Float64Array.from(v); d[1] = bad; return new Uint8Array(d.buffer); };
  const half = (dtype: 'F16' | 'BF16', bits: number) => (v: Float32Array) => {
    const out = new Uint16Array(v.length); // zeros, then one bad value
    out[2] = bits;
    return new Uint8Array(out.buffer);
  };
  const f32 = (bad: number) => (v: Float32Array) => { const d = Float32Array.from(v); d[4] = bad; return new Uint8Array(d.buffer); };
  const cases: [string, (v: Float32Array) => Uint8Array, RegExp][] = [
    ['F32', f32(NaN), /is not a valid safetensors file: expected finite values, got tensor "rnn\.weight_hh_l0" holds NaN at \[1, 1\] \(flat index 4\)/],
    ['F32', f32(-Infinity), /got tensor "rnn\.weight_hh_l0" holds -Infinity at \[1, 1\]/],
    ['F64', f64(Infinity), /got tensor "rnn\.weight_hh_l0" holds Infinity at \[0, 1\] \(flat index 1\)/],
    ['F64', f64(1e39), /^f\.safetensors: expected finite weights, got tensor rnn\.weight_hh_l0 holds Infinity at \[0, 1\] \(flat index 1\) \(the file's value 1e\+39 is beyond the range of the model's float32\)$/],
    ['F16', half('F16', 0x7c00), /got tensor "rnn\.weight_hh_l0" holds Infinity at \[0, 2\] \(flat index 2\)/],
    ['F16', half('F16', 0xfe00), /holds NaN at \[0, 2\]/],
    ['BF16', half('BF16', 0x7fc0), /holds NaN at \[0, 2\]/],
    ['BF16', half('BF16', 0xff80), /holds -Infinity at \[0, 2\]/],
  ];
  for (const [dtype, encode, pattern] of cases) {
    const bytes = reencoded(charFile(), 'rnn.weight_hh_l0', dtype, encode);
    assert.match(refusal(bytes).message, pattern, `${dtype} ${pattern}`);
    const c = deserializeCheckpoint(bytes, 'f.safetensors', { allowNonFinite: true });
    assert.equal(Number.isFinite((c.model as CharModel).rnn.stateDict().weight_hh_l0.data[dtype === 'F32' ? 4 : dtype === 'F64' ? 1 : 2]), false);
  }
  // Finite values in every dtype load.
  for (const dtype of ['F64', 'F16', 'BF16']) {
    const ok = reencoded(charFile(), 'rnn.weight_hh_l0', dtype, dtype === 'F64' ? f64(0.5) : half(dtype as 'F16', 0x3c00));
    assert.doesNotThrow(() => deserializeCheckpoint(ok), dtype);
  }
});

test("tensors that are not the model's are refused by name and shape", () => {
  const good = parseSafetensors(charFile());
  const edit = (tensors: Record<string, ReturnType<typeof tensor>>): string => refusal(serializeSafetensors(tensors, good.metadata)).message;
  const { 'head.weight': w, ...rest } = good.tensors;
  assert.match(edit({ ...rest, 'head.weight': tensor(w.toArray(), [3, 5]) }), /^f\.safetensors: loadStateDict: expected head\.weight of shape \[5, 3\], got \[3, 5\]$/);
  assert.match(edit({ ...rest, 'head.weight': tensor(w.toArray(), [5, 3, 1]) }), /expected head\.weight of shape \[5, 3\], got \[5, 3, 1\]$/);
  assert.match(edit({ ...good.tensors, extra: tensor([1]) }), /expected a state dict of exactly the module's tensors, got one with unexpected extra$/);
  const many = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`x${i}`, tensor([i])]));
  assert.match(edit({ ...good.tensors, ...many }), /got one with unexpected x0, x1, x10, x11, x12 and 35 more$/);
  assert.match(edit(rest), /got one without head\.weight$/);
});

test('vocabulary lies that keep the size are refused: permuted, repeated, reordered specials, a word list for characters, a huge placeholder', () => {
  const good = parseSafetensors(charFile());
  const withVocab = (text: object): string => refusal(serializeSafetensors(good.tensors, { ...good.metadata, [VOCABS_KEY]: JSON.stringify({ text }) })).message;
  const json = new Vocab(letters(4)).toJSON();
  assert.equal(json.order, 'sorted');
  assert.match(withVocab({ ...json, symbols: ['b', 'a', 'c', 'd'] }),
    /bad vocabulary "text": expected the characters sorted by code point \(as the vocabulary was built\), got "b" before "a" at entries 0 and 1/);
  assert.match(withVocab({ ...json, symbols: ['a', 'b', 'c', 'a'] }), /expected each character once, got "a" twice \(entries 0 and 3\)/);
  assert.match(withVocab({ ...json, order: 'shuffled' }), /expected vocabulary "order" to be "sorted" or "given", got string "shuffled"/);
  assert.match(withVocab({ ...json, placeholder: 'x'.repeat(65) }), /expected an unknown placeholder of at most 64 characters, got 65/);
  assert.match(withVocab({ ...json, placeholder: null }), /expected vocabulary "placeholder" to be a string, got null/);
  assert.match(withVocab({ ...json, unit: 'word' }), /expected vocabulary 'text' of train\.CharModel to have unit 'char', got 'word'/);
  // The older character format was always written sorted; a form with no order is read as sorted for characters.
  assert.match(withVocab({ type: 'char', chars: ['a', 'c', 'b', 'd'] }), /got "c" before "b" at entries 1 and 2/);
  const { order: _o, ...unordered } = json;
  assert.match(withVocab({ ...unordered, symbols: ['d', 'c', 'b', 'a'] }), /got "d" before "c"/);
  // An order chosen on purpose is kept: toJSON says "given".
  const given = new Vocab(['d', 'c', 'b', 'a']);
  assert.deepEqual(deserializeCheckpoint(serializeCheckpoint({ model: charModel(), vocabs: { text: given } })).vocabs.text.symbols, ['d', 'c', 'b', 'a']);

  // A seq2seq target vocabulary must keep PAD, BOS, EOS at the ids the decoder uses.
  const s2s = new Seq2Seq({ srcVocabSize: 7, tgtVocabSize: 7, embeddingSize: 2, hiddenSize: 3, cell: 'gru' }, { rng: new Rng(2) });
  const source = new Vocab(letters(3), { specials: SEQUENCE_SPECIALS });
  assert.match(refusal(serializeCheckpoint({ model: s2s, vocabs: { source, target: new Vocab(letters(6)) } })).message,
    /expected vocabulary 'target' of seq2seq\.Seq2Seq to begin with the specials \[pad, bos, eos\], got \[\]/);
});
