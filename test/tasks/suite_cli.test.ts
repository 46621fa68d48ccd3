// The suite on the command line: a task prints the one JSON result line under --json, `tasks all
// --quick` writes a Markdown table per task and keeps earlier results when re-run on a part of the
// suite, and bad flags get a clear error. Also TASKS.md's raw results round-trip.

import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { markdownPreamble, markdownTail, mergeResults, parseResults, suiteMarkdown, type SuiteResult } from '../../src/tasks/suite_report.js';
import { SUITE } from '../../src/tasks/suite_tasks.js';
import { CLI as main } from '../helpers/files.js';


function unfold(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [main, ...args], { encoding: 'utf8', env: { ...process.env, UNFOLD_DEBUG: '' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('a task under --json prints exactly the result line on stdout', () => {
  const r = unfold('tasks', 'copy', '--cell', 'gru', '--length', '5', '--steps', '3', '--test', '10', '--json');
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.equal(lines.length, 1);
  const j = JSON.parse(lines[0]) as SuiteResult;
  assert.deepEqual(Object.keys(j), ['task', 'cell', 'length', 'metric', 'value', 'baseline', 'steps', 'seconds']);
  assert.equal(j.task, 'copy');
  assert.equal(j.cell, 'gru');
  assert.equal(j.length, 5);
  assert.equal(j.metric, 'cross_entropy');
  assert.equal(j.steps, 3);
  assert.ok(Math.abs(j.baseline! - (10 * Math.log(8)) / 25) < 1e-12);
  assert.ok(Number.isFinite(j.value) && j.value > 0);
  assert.match(r.stderr, /test cross_entropy/);
});

test('tasks all --quick writes a table per task and merges re-runs', () => {
  const out = join(mkdtempSync(join(tmpdir(), 'unfold-suite-')), 'TASKS.md');
  const first = unfold('tasks', 'all', '--quick', '--only', 'reber,tagging', '--cells', 'lstm', '--out', out);
  assert.equal(first.status, 0, first.stderr);
  const md = readFileSync(out, 'utf8');
  assert.match(md, /## reber/);
  assert.match(md, /## tagging/);
  assert.doesNotMatch(md, /## adding/);
  assert.match(md, /\| T \| baseline \| lstm \| bi-lstm \|/);
  assert.equal(parseResults(md).length, 3);
  const again = unfold('tasks', 'all', '--quick', '--only', 'reber', '--cells', 'gru', '--out', out);
  assert.equal(again.status, 0, again.stderr);
  const cells = parseResults(readFileSync(out, 'utf8')).map((r) => `${r.task}/${r.cell}`).sort();
  assert.deepEqual(cells, ['reber/gru', 'reber/lstm', 'tagging/bi-lstm', 'tagging/lstm']);
});

test('tasks all --quick --only ntm-copy,info-flow,info-flow-sgd: the other runs as child commands, in tables of their own; text after the raw block is kept', () => {
  const out = join(mkdtempSync(join(tmpdir(), 'unfold-suite-')), 'TASKS.md');
  const notes = '## Notes by hand\n\nkept as written\n';
  const dated = 'Runs of 2026-12-03, by hand.\n\nA second paragraph.';
  writeFileSync(out, suiteMarkdown(SUITE, [], 'header', notes, dated));
  assert.equal(markdownPreamble(readFileSync(out, 'utf8')), dated);
  const r = unfold('tasks', 'all', '--quick', '--only', 'ntm-copy,info-flow,info-flow-sgd', '--out', out);
  assert.equal(r.status, 0, r.stderr);
  const md = readFileSync(out, 'utf8');
  const got = parseResults(md).map((x) => `${x.task}/${x.cell}/${x.length}`).sort();
  assert.deepEqual(got, ['adding/rnn+flow/12', 'adding/rnn@sparse~io0.01+flow-held/12', 'adding/rnn@sparse~io0.01/12', 'ntm-copy/lstm/4', 'ntm-copy/ntm/4']);
  assert.match(md, /## ntm-copy\n/);
  assert.match(md, /\| vectors \| baseline \| lstm \| ntm \|/);
  assert.match(md, /\| 12 \| 0\.1667 \| [^|]+ \| [^|]+ \| [^|]+ \|/); // the adding table's columns: rnn+flow and the SGD pair
  assert.equal(markdownTail(md), notes);
  assert.equal(markdownPreamble(md), dated, 'the hand-written paragraphs above the tables were not kept');
  assert.ok(md.indexOf(dated) < md.indexOf('## adding'));
});

test('tasks all --collect merges saved result lines without running anything', () => {
  const dir = mkdtempSync(join(tmpdir(), 'unfold-suite-'));
  const saved = join(dir, 'runs.txt'), out = join(dir, 'TASKS.md');
  const line = { task: 'adding', cell: 'gru', length: 200, metric: 'mse', value: 0.0042, baseline: 1 / 6, steps: 1234, seconds: 321.5 };
  writeFileSync(saved, `progress text\n${JSON.stringify(line)}\n`);
  const r = unfold('tasks', 'all', '--collect', saved, '--out', out);
  assert.equal(r.status, 0, r.stderr);
  const md = readFileSync(out, 'utf8');
  assert.deepEqual(parseResults(md), [line]);
  assert.match(md, /\| 200 \| 0\.1667 \| 0\.004200 \(1234 steps, 322 s\) \|/);
  // A paragraph added by hand above the tables survives the next merge, and a --note given twice appears once.
  writeFileSync(out, md.replace('\n## adding', '\nAdded by hand.\n\n## adding'));
  for (let i = 0; i < 2; i++) {
    const again = unfold('tasks', 'all', '--collect', saved, '--out', out, '--note', 'Merged twice.');
    assert.equal(again.status, 0, again.stderr);
  }
  const twice = readFileSync(out, 'utf8');
  assert.equal(markdownPreamble(twice), 'Merged twice.\n\nAdded by hand.'); // the note is the header's second paragraph
  assert.equal(twice.split('Merged twice.').length, 2);
  assert.deepEqual(parseResults(twice), [line]);
  writeFileSync(saved, 'no results here\n');
  const none = unfold('tasks', 'all', '--collect', saved, '--out', out);
  assert.equal(none.status, 1);
  assert.match(none.stderr, /expected JSON result lines from `unfold tasks <name> --json`, found none/);
});

test('bad flags: one clear error line, exit status 1', () => {
  const cell = unfold('tasks', 'adding', '--cell', 'tcn');
  assert.equal(cell.status, 1);
  assert.match(cell.stderr, /expected one of rnn, lstm, gru, irnn, orth, clockwork, got 'tcn'/);
  const short = unfold('tasks', 'tagging', '--length', '2', '--steps', '1');
  assert.equal(short.status, 1);
  assert.match(short.stderr, /expected a length T >= 4, got 2/);
  const only = unfold('tasks', 'all', '--quick', '--only', 'adding,sorting');
  assert.equal(only.status, 1);
  assert.match(only.stderr, /--only: expected names among .*, got 'sorting'/);
});

test('TASKS.md: results round-trip and newer runs replace older ones of the same setting', () => {
  const r = (cell: string, value: number): SuiteResult => ({ task: 'adding', cell, length: 100, metric: 'mse', value, baseline: 1 / 6, steps: 10, seconds: 1.5 });
  const merged = mergeResults([r('lstm', 0.1), r('gru', 0.2)], [r('lstm', 0.03), r('lstm', 0.01)]);
  assert.deepEqual(merged.map((x) => [x.cell, x.value]), [['gru', 0.2], ['lstm', 0.01]]);
  const md = suiteMarkdown(SUITE, merged, 'header');
  assert.deepEqual(parseResults(md), merged);
  assert.match(md, /\| 100 \| 0\.1667 \| 0\.01000 \(10 steps, 2 s\) \| 0\.2000 \(10 steps, 2 s\) \|/);
  assert.deepEqual(parseResults('# nothing here'), []);
});
