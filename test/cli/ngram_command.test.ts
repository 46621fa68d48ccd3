// `unfold ngram`: one line per order with the validation nats/char ngramBaseline gives for the same
// text and split; --order takes a range; bad orders and a missing corpus are refused by name.
// (The command runs in a child process, as main.ts will run it once registered.)

import test from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCommand } from '../helpers/command.js';
import { ngramBaseline } from '../../src/train/ngram.js';
import { generatedCorpus } from '../helpers/corpus.js';
import { tempDir } from '../helpers/files.js';

const run = (...args: string[]) => runCommand('ngram_command', 'ngramCommand', ...args);

test('unfold ngram prints each order’s validation nats/char, as ngramBaseline computes it', () => {
  const dir = tempDir(), corpus = join(dir, 'c.txt'), text = generatedCorpus();
  writeFileSync(corpus, text);
  const out = run(corpus, '--order', '1-3');
  assert.equal(out.status, 0, out.stderr);
  const lines = out.stdout.trim().split('\n');
  assert.equal(lines.length, 3);
  lines.forEach((line, i) => {
    const r = ngramBaseline(text, { order: i + 1 });
    assert.equal(line, `order ${i + 1}: ${r.valLoss.toFixed(4)} nats/char (${r.valBits.toFixed(4)} bits/char) over ${r.valChars} validation characters (counted on ${r.trainChars}, vocabulary ${r.vocabSize})`);
  });
  const one = run(corpus, '--order', '2', '--val-fraction', '0.2').stdout;
  assert.match(one, /^order 2: \d+\.\d{4} nats\/char/);
  assert.ok(one.includes(`over ${ngramBaseline(text, { order: 2, valFraction: 0.2 }).valChars} validation`));
});

test('unfold ngram refuses bad orders and a missing corpus by name', () => {
  for (const [args, message] of [
    [['x.txt', '--order', '5-2'], /expected an order k or a range a-b of orders in \[0, 32\], got '5-2'/],
    [['x.txt', '--order', 'two'], /got 'two'/],
    [[join(tempDir(), 'missing.txt')], /missing\.txt/],
  ] as const) {
    const r = run(...args);
    assert.equal(r.status, 1);
    assert.match(r.stderr, message);
  }
});
