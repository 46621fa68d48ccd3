// Vocab: code-point symbols (emoji included), the unknown id, JSON round trips (the older "char" form
// included), words and special ids.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Vocab, DEFAULT_UNKNOWN, SEQUENCE_SPECIALS, PAD, BOS, EOS, UNK } from '../../src/data/vocab.js';

test('fromText sorts distinct code points; ids match char-rnn numbering; unknown is last', () => {
  const v = Vocab.fromText('hello world\n');
  assert.deepEqual(v.symbols, ['\n', ' ', 'd', 'e', 'h', 'l', 'o', 'r', 'w']);
  assert.equal(v.size, 10);
  assert.equal(v.unknownId, 9);
  assert.deepEqual(Array.from(v.encode('hold')), [4, 6, 5, 2]);
  assert.equal(v.decode(v.encode('hello world\n')), 'hello world\n');
});

test('astral characters (emoji) are single symbols, sorted by code point', () => {
  const text = 'a😀b\uff00😀é𝄞';
  const v = Vocab.fromText(text);
  // By code point: a < b < é < U+FF00 < 𝄞 (U+1D11E) < 😀 (U+1F600); UTF-16 order would differ.
  assert.deepEqual(v.symbols, ['a', 'b', 'é', '\uff00', '𝄞', '😀']);
  const ids = v.encode(text);
  assert.equal(ids.length, 7, 'one id per code point, not per UTF-16 unit');
  assert.deepEqual(Array.from(ids), [0, 5, 1, 3, 5, 2, 4]);
  assert.equal(v.decode(ids), text);
});

test('unknown characters encode to the last id and decode to the placeholder', () => {
  const v = Vocab.fromText('abc');
  assert.deepEqual(Array.from(v.encode('axb🙂')), [0, 3, 1, 3]);
  assert.equal(v.decode(v.encode('axb🙂')), `a${DEFAULT_UNKNOWN}b${DEFAULT_UNKNOWN}`);
  assert.equal(v.idOf('z'), 3);
  assert.equal(v.has('z'), false);
  assert.equal(v.has('a'), true);
  const custom = Vocab.fromText('abc', { placeholder: '?' });
  assert.equal(custom.decode([0, 3]), 'a?');
  // A lone surrogate is a character of its own, like any other code unit outside a pair.
  const lone = Vocab.fromText('a\ud800');
  assert.deepEqual(Array.from(lone.encode('\ud800a\udc00')), [1, 0, 2]);
});

test('decode rejects ids outside the vocabulary', () => {
  const v = Vocab.fromText('ab');
  assert.throws(() => v.decode([0, 3]), /expected token ids in \[0, 3\), got 3 at position 1/);
  assert.throws(() => v.decode([-1]), /got -1 at position 0/);
  assert.throws(() => v.decode([0.5]), /got 0.5/);
});

test('toJSON / fromJSON round trip, through JSON text too', () => {
  const v = Vocab.fromText('Hi 😀\n', { placeholder: '<unk>' });
  const text = JSON.stringify(v);
  const w = Vocab.fromJSON(text);
  assert.deepEqual(w.symbols, v.symbols);
  assert.equal(w.placeholder, '<unk>');
  assert.equal(w.size, v.size);
  const sample = 'Hi 😀\nzz';
  assert.deepEqual(w.encode(sample), v.encode(sample));
  assert.deepEqual(Vocab.fromJSON(v.toJSON()).symbols, v.symbols);
  // Order is kept as given (ids are model rows), even when not sorted: toJSON says so.
  const given = new Vocab(['b', 'a']);
  assert.equal(given.toJSON().order, 'given');
  assert.equal(v.toJSON().order, 'sorted');
  assert.deepEqual(Array.from(Vocab.fromJSON(JSON.stringify(given)).encode('ab')), [1, 0]);
});

test('fromJSON rejects malformed vocabularies with the reason', () => {
  const bad: [unknown, RegExp][] = [
    ['{oops', /expected a vocabulary as JSON, got unparseable text/],
    [null, /expected a vocabulary object .* got null/],
    [[1, 2], /got an array/],
    [42, /got number/],
    [{ chars: ['a'] }, /expected vocabulary type "vocab" \(or an older "char", "seq2seq-char" or "word"\), got none/],
    [{ type: 'words', chars: ['a'] }, /expected vocabulary type "vocab" .*, got "words"/],
    [{ type: 'word', chars: ['a'] }, /expected vocabulary "words" to be an array of words, got undefined/],
    [{ type: 'char' }, /expected vocabulary "chars" to be an array of characters, got undefined/],
    [{ type: 'char', chars: 'abc' }, /got string/],
    [{ type: 'char', chars: [] }, /at least one character, got none/],
    [{ type: 'char', chars: ['a', 'bc'] }, /expected vocabulary entry 1 to be a single character, got "bc"/],
    [{ type: 'char', chars: ['a', ''] }, /entry 1 to be a single character, got ""/],
    [{ type: 'char', chars: ['a', 7] }, /entry 1 to be a single character, got 7/],
    [{ type: 'char', chars: ['a', 'b', 'a'] }, /expected each character once, got "a" twice \(entries 0 and 2\)/],
    [{ type: 'char', chars: ['a'], unknown: 5 }, /expected vocabulary "unknown" to be a string, got number/],
  ];
  for (const [json, pattern] of bad) assert.throws(() => Vocab.fromJSON(json), pattern, JSON.stringify(json));
  assert.throws(() => Vocab.fromText(''), /cannot build a vocabulary from empty text/);
});

test('the older "char" form and the current form read back the same vocabulary', () => {
  const old = Vocab.fromJSON({ type: 'char', chars: ['a', 'b'], unknown: '?' });
  const now = Vocab.fromJSON(JSON.stringify(old));
  for (const v of [old, now]) {
    assert.deepEqual(v.symbols, ['a', 'b']);
    assert.equal(v.size, 3);
    assert.equal(v.decode(v.encode('abz')), 'ab?');
  }
  assert.deepEqual(old.toJSON(), { type: 'vocab', unit: 'char', specials: [], unknown: 'last', placeholder: '?', symbols: ['a', 'b'], order: 'sorted' });
});

test('specials come first in the order pad, bos, eos, unk; encode adds BOS/EOS, decode stops at EOS and skips PAD/BOS', () => {
  const v = Vocab.fromTexts(['ba', 'c'], { specials: SEQUENCE_SPECIALS });
  assert.deepEqual([PAD, BOS, EOS, UNK], [0, 1, 2, 3]);
  assert.deepEqual(v.symbols, ['a', 'b', 'c']);
  assert.equal(v.size, 7);
  assert.equal(v.unknownId, UNK);
  assert.deepEqual(Array.from(v.encode('abz', { bos: true, eos: true })), [BOS, 4, 5, UNK, EOS]);
  assert.equal(v.decode([BOS, 4, PAD, 5, UNK, EOS, 6]), `ab${DEFAULT_UNKNOWN}`);
  assert.deepEqual([0, 1, 2, 3, 4].map((id) => v.nameOf(id)), ['<pad>', '<bos>', '<eos>', '<unk>', 'a']);
  assert.equal(v.specialId('eos'), EOS);
  assert.throws(() => Vocab.fromText('ab').specialId('bos'), /expected a vocabulary with a 'bos' special, got specials \[\]/);
  assert.throws(() => Vocab.fromText('ab').encode('a', { eos: true }), /expected a vocabulary with a 'eos' special/);
  assert.throws(() => new Vocab(['a'], { specials: ['bos', 'pad'] }), /expected specials in the order pad, bos, eos, unk without repeats, got \[bos, pad\]/);
  assert.throws(() => new Vocab(['a'], { specials: ['pad'], unknown: 'unk' }), /expected unknown 'unk' exactly when 'unk' is a special/);
  const back = Vocab.fromJSON(JSON.stringify(v));
  assert.deepEqual(back.toJSON(), v.toJSON());
  assert.deepEqual(Array.from(back.encode('cab')), Array.from(v.encode('cab')));
});

test('a word vocabulary splits on whitespace; an unknown word is an error unless there is an unk id', () => {
  const v = new Vocab(['the', 'cat', 'sat'], { unit: 'word', specials: ['pad', 'bos', 'eos'] });
  assert.equal(v.size, 6);
  assert.deepEqual(Array.from(v.encode('  the cat\nsat ', { eos: true })), [3, 4, 5, EOS]);
  assert.equal(v.decode([BOS, 5, 4, EOS, 3]), 'sat cat');
  assert.throws(() => v.encode('the dog'), /expected a word of the vocabulary, got "dog"/);
  assert.throws(() => new Vocab(['a b'], { unit: 'word' }), /expected vocabulary entry 0 to be a word \(non-empty, no spaces\), got "a b"/);
  assert.throws(() => new Vocab(['a', 'a'], { unit: 'word' }), /expected each word once, got "a" twice \(entries 0 and 1\)/);
  const withUnk = Vocab.fromText('b a b', { unit: 'word', specials: SEQUENCE_SPECIALS });
  assert.deepEqual(withUnk.symbols, ['a', 'b']);
  assert.deepEqual(Array.from(withUnk.encode('a z')), [4, UNK]);
  const old = Vocab.fromJSON({ type: 'word', words: ['x', 'y'] });
  assert.deepEqual([old.unit, old.specials, old.unknownId, old.decode([1, 4, 3, 2])], ['word', ['pad', 'bos', 'eos'], -1, 'y x']);
});
