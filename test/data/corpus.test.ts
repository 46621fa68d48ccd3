// Corpus preparation, corpus files, and the train/validation split.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { countChars, prepareCorpus } from '../../src/data/corpus.js';
import { corpusFromBytes, firstInvalidUtf8 } from '../../src/data/corpus_bytes.js';
import { readCorpus, readCorpusSync } from '../../src/data/corpus_file.js';
import { splitTrainVal } from '../../src/data/split.js';

test('prepareCorpus strips a BOM and turns CRLF into LF, keeping lone CR', () => {
  assert.equal(prepareCorpus('\ufeffab\r\ncd\re\r\n'), 'ab\ncd\re\n');
  assert.equal(prepareCorpus('x\ufeff'), 'x\ufeff', 'only a leading BOM is stripped');
});

test('prepareCorpus errors on empty and too-short corpora', () => {
  assert.throws(() => prepareCorpus(''), /expected a non-empty corpus, got an empty one/);
  assert.throws(() => prepareCorpus('\ufeff'), /non-empty corpus/);
  assert.throws(() => prepareCorpus('0123456789', { seqLen: 64 }), {
    message: 'expected a corpus of at least 66 characters for sequence length 64, got 10',
  });
  assert.equal(prepareCorpus('x'.repeat(66), { seqLen: 64 }).length, 66);
  // Lengths are in characters: 65 emoji are 130 UTF-16 units but still too short.
  assert.throws(() => prepareCorpus('😀'.repeat(65), { seqLen: 64 }), /at least 66 characters .* got 65/);
  assert.throws(() => prepareCorpus('abc', { seqLen: 0 }), /positive integer sequence length, got 0/);
  assert.equal(countChars('a😀\ud800b'), 4);
});

test('firstInvalidUtf8 finds the first bad byte', () => {
  const enc = (s: string) => new TextEncoder().encode(s);
  assert.equal(firstInvalidUtf8(enc('plain é 😀 text')), -1);
  assert.equal(firstInvalidUtf8(Uint8Array.from([0x61, 0x80])), 1); // stray continuation
  assert.equal(firstInvalidUtf8(Uint8Array.from([0x61, 0xc3])), 1); // truncated
  assert.equal(firstInvalidUtf8(Uint8Array.from([0xc0, 0xaf])), 0); // overlong '/'
  assert.equal(firstInvalidUtf8(Uint8Array.from([0xe0, 0x80, 0xaf])), 0); // overlong
  assert.equal(firstInvalidUtf8(Uint8Array.from([0xed, 0xa0, 0x80])), 0); // encoded surrogate
  assert.equal(firstInvalidUtf8(Uint8Array.from([0xf4, 0x90, 0x80, 0x80])), 0); // above U+10FFFF
  assert.equal(firstInvalidUtf8(Uint8Array.from([0x61, 0xe2, 0x82, 0x61])), 1); // bad continuation
});

test('corpusFromBytes refuses binary and non-UTF-8 content', () => {
  assert.throws(() => corpusFromBytes(Uint8Array.from([0x61, 0, 0x62]), {}, 'x.bin'), {
    message: 'x.bin looks like a binary file (NUL byte at offset 1); expected UTF-8 text',
  });
  assert.throws(() => corpusFromBytes(Uint8Array.from([0x61, 0xff]), {}, 'latin1.txt'), {
    message: 'latin1.txt is not valid UTF-8 (byte 0xff at offset 1); expected UTF-8 text',
  });
  // UTF-16 text has NUL bytes for ASCII characters: caught as binary rather than read as garbage.
  assert.throws(() => corpusFromBytes(Uint8Array.from([0xff, 0xfe, 0x61, 0x00]), {}, 'u16.txt'), /NUL byte/);
  assert.equal(corpusFromBytes(new TextEncoder().encode('\ufeffhi\r\n')), 'hi\n');
});

test('readCorpus names the path for missing files, directories, binary and short files', async () => {
  const dir = fs.mkdtempSync(join(tmpdir(), 'unfold-corpus-'));
  const good = join(dir, 'input.txt');
  fs.writeFileSync(good, '\ufeffLine one of a corpus:\r\nwritten for this test, with CRLF ends.\r\n');
  assert.equal(await readCorpus(good), 'Line one of a corpus:\nwritten for this test, with CRLF ends.\n');
  assert.equal(readCorpusSync(good), await readCorpus(good));
  const missing = join(dir, 'missing.txt');
  await assert.rejects(readCorpus(missing), { message: `cannot read corpus ${missing}: no such file` });
  assert.throws(() => readCorpusSync(missing), { message: `cannot read corpus ${missing}: no such file` });
  await assert.rejects(readCorpus(dir), { message: `cannot read corpus ${dir}: expected a file, got a directory` });
  const bin = join(dir, 'model.bin');
  fs.writeFileSync(bin, Uint8Array.from([1, 2, 0, 4]));
  await assert.rejects(readCorpus(bin), { message: `corpus ${bin} looks like a binary file (NUL byte at offset 2); expected UTF-8 text` });
  const empty = join(dir, 'empty.txt');
  fs.writeFileSync(empty, '');
  await assert.rejects(readCorpus(empty), { message: `corpus ${empty}: expected a non-empty corpus, got an empty one` });
  await assert.rejects(readCorpus(good, { seqLen: 256 }), /corpus .*input\.txt: expected a corpus of at least 258 characters for sequence length 256, got 61/);
  fs.rmSync(dir, { recursive: true });
});

test('splitTrainVal: first 90% trains, last 10% validates, as views', () => {
  const ids = Int32Array.from({ length: 1000 }, (_, i) => i);
  const { train, val } = splitTrainVal(ids);
  assert.equal(train.length, 900);
  assert.equal(val.length, 100);
  assert.equal(train[899], 899);
  assert.equal(val[0], 900);
  assert.equal(val.buffer, ids.buffer, 'no copy');
  const odd = splitTrainVal(Int32Array.from({ length: 1003 }), 0.1);
  assert.equal(odd.train.length, Math.floor(1003 * 0.9)); // nanoGPT: int(n * 0.9)
  assert.equal(splitTrainVal(ids, 0.25).val.length, 250);
});

test('splitTrainVal errors when a part would be too short or the fraction is invalid', () => {
  assert.throws(() => splitTrainVal(new Int32Array(10)), /expected at least 2 tokens in the validation split, got 1 \(valFraction 0.1 of 10 tokens\)/);
  assert.throws(() => splitTrainVal(new Int32Array(1000), 0.1, { minLength: 129 }), /at least 129 tokens in the validation split, got 100/);
  assert.throws(() => splitTrainVal(new Int32Array(10), 0.95), /at least 2 tokens in the training split, got 0/);
  for (const f of [0, 1, -0.1, NaN, 1.5]) assert.throws(() => splitTrainVal(new Int32Array(100), f), /valFraction strictly between 0 and 1/);
});
