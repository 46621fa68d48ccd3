// `unfold ngram`: one line per order with the validation nats/char ngramBaseline gives for the same
// text and split; --order takes a range; bad orders and a missing corpus are refused by name.
// (The command is run in-process, as main.ts runs it, through commander's parser.)

import test from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ngramCommand } from '../../src/cli/ngram_command.js';
import { ngramBaseline } from '../../src/train/ngram.js';
import { generatedCorpus } from '../helpers/corpus.js';
import { tempDir } from '../helpers/files.js';

async function run(...args: string[]): Promise<string> {
  const out: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((s: string) => { out.push(s); return true; }) as typeof process.stdout.write;
  try {
    await ngramCommand().exitOverride().configureOutput({ writeErr: () => {} }).parseAsync(args, { from: 'user' });
  } finally {
    process.stdout.write = write;
  }
  return out.join('');
}

test('unfold ngram prints each order’s validation nats/char, as ngramBaseline computes it', async () => {
  const dir = tempDir(), corpus = join(dir, 'c.txt'), text = generatedCorpus();
  writeFileSync(corpus, text);
  const lines = (await run(corpus, '--order', '1-3')).trim().split('\n');
  assert.equal(lines.length, 3);
  lines.forEach((line, i) => {
    const r = ngramBaseline(text, { order: i + 1 });
    assert.equal(line, `order ${i + 1}: ${r.valLoss.toFixed(4)} nats/char (${r.valBits.toFixed(4)} bits/char) over ${r.valChars} validation characters (counted on ${r.trainChars}, vocabulary ${r.vocabSize})`);
  });
  const one = await run(corpus, '--order', '2', '--val-fraction', '0.2');
  assert.match(one, /^order 2: \d+\.\d{4} nats\/char/);
  assert.ok(one.includes(`over ${ngramBaseline(text, { order: 2, valFraction: 0.2 }).valChars} validation`));
});

test('unfold ngram refuses bad orders and a missing corpus by name', async () => {
  await assert.rejects(run('x.txt', '--order', '5-2'), /expected an order k or a range a-b of orders in \[0, 32\], got '5-2'/);
  await assert.rejects(run('x.txt', '--order', 'two'), /got 'two'/);
  await assert.rejects(run(join(tempDir(), 'missing.txt')), /missing\.txt/);
});
