// Hostile sizes and rates on the command line get one clear line and exit status 1, at once and
// before anything large is allocated: sizes whose memory estimate passes --max-memory, a corpus of
// more distinct characters than --max-vocab, reservoirs and horizons too large to finish, learning
// rates outside (0, 100] on every command that has --lr; no V8 internals ("Invalid typed array
// length", "Maximum call stack size exceeded") and no flag value kilobytes long in the message.

import test from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidArgumentError, type Option } from 'commander';
import { everyCommand, unfoldProgram } from '../../src/cli/program.js';
import { tempDir } from '../helpers/files.js';
import { generatedCorpus } from '../helpers/corpus.js';
import { assertRefused, refusalOf, unfoldCli } from '../helpers/cli.js';

const NEEDS = /^this run needs about [\d.e+]+ (?:[KMGTPE]iB|bytes) \(model .* \+ activations .*\); the limit is 4 GiB: /;

test('train, seq2seq train and the tasks refuse sizes past the memory limit with the estimate', async () => {
  const dir = tempDir();
  const corpus = join(dir, 'corpus.txt'), pairs = join(dir, 'pairs.tsv');
  writeFileSync(corpus, generatedCorpus(50));
  writeFileSync(pairs, 'abc\tcba\nab\tba\nbca\tacb\n');
  const out = ['--steps', '1', '--out', join(dir, 'm.safetensors')];
  // Through the command as users run it: one line, exit status 1.
  assertRefused(unfoldCli(['train', corpus, '--hidden', '1000000000', ...out]), /^unfold: error: this run needs about/);
  for (const flags of [['--batch', '1000000000'], ['--embedding', '1000000000'], ['--seq-len', '1000000000'], ['--layers', '100000']]) {
    assert.match(await refusalOf(['train', corpus, ...flags, ...out]), NEEDS, `train ${flags.join(' ')}`);
  }
  assert.match(await refusalOf(['train', corpus, '--hidden', '30000', ...out]), /this run needs about \d+\.?\d* GiB .* raise it with --max-memory \d+G or make the model smaller$/);
  assert.match(await refusalOf(['train', corpus, '--hidden', '256', '--max-memory', '1M', ...out]), /the limit is 1 MiB: raise it with --max-memory 1G/);
  assert.match(await refusalOf(['train', corpus, '--max-memory', '16', ...out]), /expected a size from 1M to 1024T such as 512M or 16G, got '16'/);
  assert.match(await refusalOf(['seq2seq', 'train', pairs, '--hidden', '1000000000', ...out]), NEEDS, 'seq2seq train --hidden 1e9');
  assert.match(await refusalOf(['tasks', 'adding', '--length', '1000000000', '--steps', '1']), NEEDS, 'tasks adding --length 1e9');
  assert.match(await refusalOf(['tasks', 'copy', '--hidden', '1000000000', '--steps', '1']), NEEDS, 'tasks copy --hidden 1e9');
  assert.match(await refusalOf(['tasks', 'dates', '--hidden', '1000000000', '--steps', '1']), NEEDS, 'tasks dates --hidden 1e9');
  assert.match(await refusalOf(['tasks', 'dates', '--batch', '1000000000', '--steps', '1']), NEEDS, 'tasks dates --batch 1e9');
  assert.match(await refusalOf(['tasks', 'captions', '--test', '1000000000', '--steps', '1']), /\+ held-out images [\d.]+ TiB\); the limit is 4 GiB/);
  assert.match(await refusalOf(['tasks', 'sentiment-trees', '--train', '1000000000']), /\+ trees and phrases [\d.]+ TiB\); the limit is 4 GiB/);
  assert.match(await refusalOf(['tasks', 'expr-trees', '--hidden', '1000000000']), NEEDS, 'tasks expr-trees --hidden 1e9');
  // Sizes whose cost is time, not memory, have a ceiling.
  for (const [args, re] of [
    [['tasks', 'expr-trees', '--depth', '1000000000'], /expected an integer in \[1, 10\], got '1000000000'/],
    [['tasks', 'adding', '--test', '1000000000'], /expected an integer in \[1, 1000000\]/],
    [['tasks', 'dates', '--beam', '1000000000'], /expected an integer in \[0, 256\]/],
    [['seq2seq', 'translate', '--checkpoint', 'x', '--max-len', '1000000000'], /expected an integer in \[1, 10000\]/],
    [['sample', '--length', '1000000000'], /expected an integer in \[0, 10000000\]/],
    [['viz', '--checkpoint', 'x', '--maps', '1000000000'], /expected an integer in \[1, 1000\]/],
    [['tasks', 'narma10', '--runs', '1000000000'], /expected an integer in \[1, 1000\]/],
    [['train', '--out', ''], /expected a file path, got an empty path/],
    [['seq2seq', 'train', 'pairs.tsv', '--out', ' '], /expected a file path, got an empty path/],
  ] as const) assert.match(await refusalOf(args), re, args.join(' '));
});

test('train refuses a corpus of more distinct characters than --max-vocab', async () => {
  const dir = tempDir();
  const corpus = join(dir, 'wide.txt');
  writeFileSync(corpus, Array.from({ length: 70_000 }, (_, i) => String.fromCodePoint(0x10000 + i)).join('').repeat(2));
  assert.match(await refusalOf(['train', corpus, '--steps', '1', '--out', join(dir, 'm.safetensors')]),
    /expected a corpus of at most 65536 distinct characters .*, got 7000\d: raise the limit with --max-vocab 7000\d or use a corpus with fewer distinct characters/);
});

test('esn refuses reservoirs past the memory limit and horizons past 100,000 steps', async () => {
  const dir = tempDir();
  const csv = join(dir, 'series.csv');
  writeFileSync(csv, `x\n${Array.from({ length: 300 }, (_, i) => Math.sin(i / 7)).join('\n')}\n`);
  assert.match(await refusalOf(['esn', csv, '--units', '1000000000']),
    /this run needs about .* \(reservoir .* \+ readout's normal equations .*\); the limit is 4 GiB: use fewer --units$/);
  assert.match(await refusalOf(['esn', csv, '--units', '30000']), /raise it with --max-memory \d+G or use fewer --units/);
  assert.match(await refusalOf(['esn', csv, '--horizon', '1000000000']), /expected an integer in \[0, 100000\], got '1000000000'/);
  assert.match(await refusalOf(['tasks', 'narma10', '--units', '1000000000']), /use fewer --units/);
});

test('every --lr of every command takes (0, 100] and nothing else', () => {
  const lrs: [string, Option][] = [];
  for (const c of everyCommand(unfoldProgram())) for (const o of c.options) if (o.long === '--lr') lrs.push([c.name(), o]);
  assert.ok(lrs.length >= 13, `expected --lr on train, seq2seq train and every training task, found ${lrs.map(([n]) => n).join(', ')}`);
  for (const [name, o] of lrs) {
    const parse = (v: string): number => (o.parseArg as (v: string, prev: unknown) => number)(v, undefined);
    for (const bad of ['1e30', '0', '-1', 'NaN', 'Infinity', '100.5', '', 'abc']) {
      assert.throws(() => parse(bad), (e: Error) => e instanceof InvalidArgumentError && /expected a learning rate in \(0, 100\]/.test(e.message), `${name} --lr ${bad}`);
    }
    assert.equal(parse('20'), 20);
    assert.equal(parse('3e-3'), 0.003);
  }
  assertRefused(unfoldCli(['seq2seq', 'train', 'pairs.tsv', '--lr', '1e30']), /^unfold: error: option '--lr <x>' argument '1e30' is invalid\. expected a learning rate in \(0, 100\], got '1e30'$/);
});

test('a flag value megabytes long is cut short in the one error line', () => {
  const long = '7'.repeat(100_000); // near the 128 KiB the system allows one argument
  const r = unfoldCli(['train', '--hidden', long]);
  assertRefused(r, /^unfold: error: option '--hidden <n>' argument '7{37}\.\.\.' is invalid\. expected an integer >= 1, got '7{37}\.\.\.'$/);
  assert.ok(r.stderr.length < 300, `stderr of ${r.stderr.length} characters`);
});
