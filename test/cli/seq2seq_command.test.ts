// `unfold seq2seq train|translate` end to end, as a user runs them: train a few steps on a TSV file,
// translate arguments and stdin lines from the checkpoint (same output both ways), and a malformed
// file gives one line naming the file, the line and what was expected, with exit status 1.

import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir, CLI as main } from '../helpers/files.js';


function unfold(args: string[], input?: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [main, ...args], { encoding: 'utf8', input, env: { ...process.env, UNFOLD_DEBUG: '' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('seq2seq train, then translate arguments and stdin from the checkpoint', () => {
  const dir = tempDir();
  const tsv = join(dir, 'pairs.tsv'), out = join(dir, 'runs', 'rev.safetensors');
  const words = ['abc', 'bca', 'cab', 'aab', 'bba', 'cca', 'abca', 'bcab', 'caba', 'acb', 'bac', 'cba'];
  writeFileSync(tsv, words.map((w) => `${w}\t${[...w].reverse().join('')}`).join('\n') + '\n');
  const t = unfold(['seq2seq', 'train', tsv, '--steps', '4', '--hidden', '8', '--embedding', '4', '--batch', '4', '--val', '2', '--out', out]);
  assert.equal(t.status, 0, t.stderr);
  assert.match(t.stdout, /done: 4 steps/);
  assert.match(t.stdout, /validation exact match: \d+\.\d+% of 2 pairs/);
  assert.ok(existsSync(out));
  const a = unfold(['seq2seq', 'translate', '--checkpoint', out, '--max-len', '6', 'abc', 'cab']);
  assert.equal(a.status, 0, a.stderr);
  const lines = a.stdout.split('\n');
  assert.equal(lines.length, 3);
  const s = unfold(['seq2seq', 'translate', '--checkpoint', out, '--max-len', '6'], 'abc\ncab\n');
  assert.equal(s.stdout, a.stdout, 'stdin lines translate as arguments do');
  const b = unfold(['seq2seq', 'translate', '--checkpoint', out, '--max-len', '6', '--beam', '1', 'abc', 'cab']);
  assert.equal(b.stdout, a.stdout, 'beam width 1 is greedy');
});

test('a malformed pairs file is one clear error line with its line number', () => {
  const dir = tempDir();
  const tsv = join(dir, 'bad.tsv');
  writeFileSync(tsv, 'ab\tba\nabba\n');
  const r = unfold(['seq2seq', 'train', tsv, '--steps', '1', '--out', join(dir, 'm.safetensors')]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /unfold: error: .*bad\.tsv:2: expected source<TAB>target \(exactly one TAB\), got no TAB in "abba"/);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
  const m = unfold(['seq2seq', 'translate', '--checkpoint', join(dir, 'none.safetensors'), 'x']);
  assert.equal(m.status, 1);
  assert.match(m.stderr, /cannot read checkpoint .*none\.safetensors: no such file/);
});

test('unfold tasks dates --json prints one result line, the baseline trained for the same steps', () => {
  const r = unfold(['tasks', 'dates', '--steps', '3', '--test', '20', '--hidden', '8', '--batch', '8', '--json']);
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.equal(lines.length, 1);
  const res = JSON.parse(lines[0]) as Record<string, unknown>;
  assert.equal(res.task, 'dates');
  assert.equal(res.metric, 'exact_match');
  assert.equal(res.steps, 3);
  assert.equal(res.test, 20);
  assert.ok(typeof res.value === 'number' && res.value >= 0 && res.value <= 1);
  assert.ok(typeof res.baseline === 'number');
  assert.match(r.stderr, /without attention: .* after 3 steps/);
});

test('seq2seq train on 200,000 pairs: no spread of a data-sized array overflows the stack', () => {
  const dir = tempDir();
  const tsv = join(dir, 'many.tsv'), out = join(dir, 'm.safetensors');
  const letters = 'abcdefgh';
  const lines = Array.from({ length: 200_000 }, (_, i) => {
    const w = `${letters[i % 8]}${letters[(i >> 3) % 8]}${letters[(i >> 6) % 8]}${i % 5 === 0 ? letters[(i >> 9) % 8] : ''}`;
    return `${w}\t${[...w].reverse().join('')}`;
  });
  writeFileSync(tsv, lines.join('\n') + '\n');
  const t = unfold(['seq2seq', 'train', tsv, '--steps', '1', '--hidden', '8', '--embedding', '4', '--batch', '4', '--val', '3', '--out', out]);
  assert.equal(t.status, 0, t.stderr);
  assert.match(t.stderr, /pairs: .*many\.tsv; 199997 training \/ 3 validation/);
  assert.match(t.stdout, /done: 1 steps/);
});
