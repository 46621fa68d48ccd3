// Pairs files and checkpoints: malformed TSV lines are refused with the line number and what was
// expected; a saved model reloads with its config and vocabularies and translates identically
// (greedy and beam search); damaged checkpoints are refused with a clear message.

import test from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Rng } from '../../src/tensor/random.js';
import { parsePairs } from '../../src/seq2seq/tsv.js';
import { vocabsFor } from '../../src/seq2seq/pairs.js';
import { Seq2Seq } from '../../src/seq2seq/model.js';
import { translate } from '../../src/seq2seq/translate.js';
import { expectModel, serializeCheckpoint } from '../../src/train/checkpoint.js';
import { loadCheckpoint, saveCheckpoint } from '../../src/train/checkpoint_file.js';
import { parseSamplingSchedule } from '../../src/seq2seq/schedule_spec.js';
import { Vocab, SEQUENCE_SPECIALS, EOS, UNK } from '../../src/data/vocab.js';
import { tempDir } from '../helpers/files.js';

test('TSV pairs: CRLF, BOM and blank lines are fine; each malformed line is named', () => {
  assert.deepEqual(parsePairs('\ufeffab\tba\r\n\n  \ncd\tdc\n'), [{ source: 'ab', target: 'ba' }, { source: 'cd', target: 'dc' }]);
  assert.throws(() => parsePairs('ab\tba\nno tab here\n', 'p.tsv'), /^PairsFormatError: p\.tsv:2: expected source<TAB>target \(exactly one TAB\), got no TAB in "no tab here"$/);
  assert.throws(() => parsePairs('a\tb\tc', 'p.tsv'), /p\.tsv:1: expected source<TAB>target \(exactly one TAB\), got 2 TABs/);
  assert.throws(() => parsePairs('x\ty\n\tb', 'p.tsv'), /p\.tsv:2: expected a non-empty source before the TAB, got an empty one/);
  assert.throws(() => parsePairs('a\t\n', 'p.tsv'), /p\.tsv:1: expected a non-empty target after the TAB, got an empty one/);
  assert.throws(() => parsePairs(`${'x'.repeat(1001)}\ty`, 'p.tsv'), /p\.tsv:1: expected a source of at most 1000 characters, got 1001/);
  assert.throws(() => parsePairs('\n\n', 'p.tsv'), /p\.tsv: expected at least one source<TAB>target line, got none/);
});

test('vocabularies: specials first, unknown characters to UNK, decode stops at EOS', () => {
  const v = new Vocab(['a', 'b'], { specials: SEQUENCE_SPECIALS });
  assert.deepEqual(Array.from(v.encode('abz')), [4, 5, UNK]);
  assert.equal(v.decode([4, 5, UNK, EOS, 4]), 'ab\uFFFD');
  assert.deepEqual(Vocab.fromJSON(JSON.stringify(v.toJSON())).symbols, ['a', 'b']);
  // The older seq2seq form still reads, with its four specials.
  assert.deepEqual(Vocab.fromJSON('{"type":"seq2seq-char","chars":["a","b"]}').toJSON(), v.toJSON());
  assert.throws(() => Vocab.fromJSON('{"type":"char","chars":[]}'), /expected a vocabulary of at least one character, got none/);
  assert.throws(() => new Vocab(['a', 'a'], { specials: SEQUENCE_SPECIALS }), /expected each character once, got "a" twice/);
});

test('teacher-forcing schedules parse from the command line form', () => {
  assert.deepEqual(parseSamplingSchedule('0.75'), { kind: 'constant', value: 0.75 });
  assert.deepEqual(parseSamplingSchedule('linear:0.001:0.2'), { kind: 'linear', slope: 0.001, min: 0.2 });
  assert.deepEqual(parseSamplingSchedule('inverse-sigmoid:300'), { kind: 'inverse-sigmoid', k: 300 });
  assert.throws(() => parseSamplingSchedule('sometimes'), /expected a teacher-forcing schedule: .*got 'sometimes'/);
  assert.throws(() => parseSamplingSchedule('1.5'), /expected value in \[0, 1\], got 1.5/);
});

test('a checkpoint round-trip gives identical translations, greedy and beam', async () => {
  const pairs = [{ source: 'hello', target: 'olleh' }, { source: 'abc', target: 'cba' }, { source: 'ééx', target: 'xéé' }];
  const { srcVocab, tgtVocab } = vocabsFor(pairs);
  const model = new Seq2Seq({
    srcVocabSize: srcVocab.size, tgtVocabSize: tgtVocab.size, embeddingSize: 5, hiddenSize: 7, numLayers: 2, cell: 'gru',
    bidirectional: true, attention: 'additive', context: 'both',
  }, { rng: new Rng(11) });
  const path = join(tempDir(), 'm.safetensors');
  await saveCheckpoint(path, { model, vocabs: { source: srcVocab, target: tgtVocab }, step: 42 });
  const ckpt = loadCheckpoint(path);
  const back = { model: expectModel(ckpt, Seq2Seq, 'a seq2seq', 'test'), srcVocab: ckpt.vocabs.source, tgtVocab: ckpt.vocabs.target, step: ckpt.step };
  assert.equal(back.step, 42);
  assert.deepEqual(back.model.getConfig(), model.getConfig());
  assert.deepEqual(back.srcVocab.symbols, srcVocab.symbols);
  assert.deepEqual(back.tgtVocab.symbols, tgtVocab.symbols);
  const texts = ['hello', 'abc', 'cab', 'zzz', 'é'];
  for (const opts of [{ maxLength: 12 }, { maxLength: 12, beamWidth: 3 }]) {
    const a = translate(model, srcVocab, tgtVocab, texts, opts), b = translate(back.model, back.srcVocab, back.tgtVocab, texts, opts);
    assert.deepEqual(b, a);
  }
  // Every parameter is bit-identical.
  const sd = back.model.stateDict();
  for (const [n, p] of model.namedParameters()) assert.deepEqual(Array.from(sd[n].data), Array.from(p.data), n);
});

test('damaged checkpoints are refused with the path and the reason', () => {
  const dir = tempDir();
  const pairs = [{ source: 'ab', target: 'ba' }];
  const { srcVocab, tgtVocab } = vocabsFor(pairs);
  const model = new Seq2Seq({ srcVocabSize: srcVocab.size, tgtVocabSize: tgtVocab.size, embeddingSize: 2, hiddenSize: 3, cell: 'lstm' });
  const good = serializeCheckpoint({ model, vocabs: { source: srcVocab, target: tgtVocab }, step: 0 });
  const truncated = join(dir, 'cut.safetensors');
  writeFileSync(truncated, good.subarray(0, good.length - 10));
  assert.throws(() => loadCheckpoint(truncated), /cut\.safetensors/);
  assert.throws(() => loadCheckpoint(join(dir, 'missing.safetensors')), /cannot read checkpoint .*missing\.safetensors: no such file/);
  // A valid file whose vocabulary does not fit the model.
  const other = vocabsFor([{ source: 'abc', target: 'ba' }]).srcVocab;
  const wrong = join(dir, 'wrong.safetensors');
  writeFileSync(wrong, serializeCheckpoint({ model, vocabs: { source: other, target: tgtVocab }, step: 0 }));
  assert.throws(() => loadCheckpoint(wrong), /expected vocabularies of 6 and 6 symbols \(the model's\), got 7 and 6/);
  assert.ok(readFileSync(wrong).length > 8);
});
