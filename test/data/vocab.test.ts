// CharVocab: code-point symbols (emoji included), the unknown id, and JSON round trips.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CharVocab, DEFAULT_UNKNOWN } from '../../src/data/vocab.js';

test('fromText sorts distinct code points; ids match char-rnn numbering; unknown is last', () => {
  const v = CharVocab.fromText('hello world\n');
  assert.deepEqual(v.chars, ['\n', ' ', 'd', 'e', 'h', 'l', 'o', 'r', 'w']);
  assert.equal(v.size, 10);
  assert.equal(v.unknownId, 9);
  assert.deepEqual(Array.from(v.encode('hold')), [4, 6, 5, 2]);
  assert.equal(v.decode(v.encode('hello world\n')), 'hello world\n');
});

test('astral characters (emoji) are single symbols, sorted by code point', () => {
  const text = 'a😀b\uff00😀é𝄞';
  const v = CharVocab.fromText(text);
  // By code point: a < b < é < U+FF00 < 𝄞 (U+1D11E) < 😀 (U+1F600); UTF-16 order would differ.
  assert.deepEqual(v.chars, ['a', 'b', 'é', '\uff00', '𝄞', '😀']);
  const ids = v.encode(text);
  assert.equal(ids.length, 7, 'one id per code point, not per UTF-16 unit');
  assert.deepEqual(Array.from(ids), [0, 5, 1, 3, 5, 2, 4]);
  assert.equal(v.decode(ids), text);
});

test('unknown characters encode to the last id and decode to the placeholder', () => {
  const v = CharVocab.fromText('abc');
  assert.deepEqual(Array.from(v.encode('axb🙂')), [0, 3, 1, 3]);
  assert.equal(v.decode(v.encode('axb🙂')), `a${DEFAULT_UNKNOWN}b${DEFAULT_UNKNOWN}`);
  assert.equal(v.idOf('z'), 3);
  assert.equal(v.has('z'), false);
  assert.equal(v.has('a'), true);
  const custom = CharVocab.fromText('abc', '?');
  assert.equal(custom.decode([0, 3]), 'a?');
  // A lone surrogate is a character of its own, like any other code unit outside a pair.
  const lone = CharVocab.fromText('a\ud800');
  assert.deepEqual(Array.from(lone.encode('\ud800a\udc00')), [1, 0, 2]);
});

test('decode rejects ids outside the vocabulary', () => {
  const v = CharVocab.fromText('ab');
  assert.throws(() => v.decode([0, 3]), /expected token ids in \[0, 3\), got 3 at position 1/);
  assert.throws(() => v.decode([-1]), /got -1 at position 0/);
  assert.throws(() => v.decode([0.5]), /got 0.5/);
});

test('toJSON / fromJSON round trip, through JSON text too', () => {
  const v = CharVocab.fromText('Hi 😀\n', '<unk>');
  const text = JSON.stringify(v);
  const w = CharVocab.fromJSON(text);
  assert.deepEqual(w.chars, v.chars);
  assert.equal(w.unknown, '<unk>');
  assert.equal(w.size, v.size);
  const sample = 'Hi 😀\nzz';
  assert.deepEqual(w.encode(sample), v.encode(sample));
  assert.deepEqual(CharVocab.fromJSON(v.toJSON()).chars, v.chars);
  // Order is kept as given (ids are model rows), even when not sorted.
  assert.deepEqual(Array.from(CharVocab.fromJSON({ type: 'char', chars: ['b', 'a'] }).encode('ab')), [1, 0]);
});

test('fromJSON rejects malformed vocabularies with the reason', () => {
  const bad: [unknown, RegExp][] = [
    ['{oops', /expected a vocabulary as JSON, got unparseable text/],
    [null, /expected a vocabulary object .* got null/],
    [[1, 2], /got an array/],
    [42, /got number/],
    [{ chars: ['a'] }, /expected vocabulary type "char", got none/],
    [{ type: 'word', chars: ['a'] }, /expected vocabulary type "char", got "word"/],
    [{ type: 'char' }, /expected vocabulary "chars" to be an array of characters, got undefined/],
    [{ type: 'char', chars: 'abc' }, /got string/],
    [{ type: 'char', chars: [] }, /at least one character, got none/],
    [{ type: 'char', chars: ['a', 'bc'] }, /expected vocabulary entry 1 to be a single character, got "bc"/],
    [{ type: 'char', chars: ['a', ''] }, /entry 1 to be a single character, got ""/],
    [{ type: 'char', chars: ['a', 7] }, /entry 1 to be a single character, got 7/],
    [{ type: 'char', chars: ['a', 'b', 'a'] }, /vocabulary character "a" appears twice \(entries 0 and 2\)/],
    [{ type: 'char', chars: ['a'], unknown: 5 }, /expected vocabulary "unknown" to be a string, got number/],
  ];
  for (const [json, pattern] of bad) assert.throws(() => CharVocab.fromJSON(json), pattern, JSON.stringify(json));
  assert.throws(() => CharVocab.fromText(''), /cannot build a vocabulary from empty text/);
});
