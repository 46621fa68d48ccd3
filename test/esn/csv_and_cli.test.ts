// CSV time series and the `unfold esn` / `unfold tasks` commands as a user runs them: a good file
// is fitted and forecast; malformed files (ragged rows, text or NaN in a cell, empty cells, too
// short a series) get one line naming the row and column, exit status 1, no stack trace; the
// tasks end with the common JSON result line.

import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCsvSeries } from '../../src/esn/index.js';
import { tempDir, CLI as main } from '../helpers/files.js';


function unfold(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [main, ...args], { encoding: 'utf8', env: { ...process.env, UNFOLD_DEBUG: '' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('CSV columns: header detection, by number or name, the last by default, quotes and delimiters', () => {
  const a = parseCsvSeries('time,value\n1,0.5\n2,-1e-3\n\n3,+2\n');
  assert.deepEqual(Array.from(a.values), [0.5, -0.001, 2]);
  assert.equal(a.name, 'value');
  assert.equal(a.column, 2);
  assert.deepEqual(Array.from(parseCsvSeries('time,value\n1,0.5\n2,7\n', { column: 'time' }).values), [1, 2]);
  assert.deepEqual(Array.from(parseCsvSeries('1,0.5\n2,7\n', { column: 1 }).values), [1, 2]);
  assert.equal(parseCsvSeries('1,0.5\n2,7\n').name, null);
  assert.deepEqual(Array.from(parseCsvSeries('"a, b";x\r\n"1,5";3\r\n"2";.5\r\n', { column: '2' }).values), [3, 0.5]);
  assert.deepEqual(Array.from(parseCsvSeries('\ufeffv\n1\n2\n').values), [1, 2]);
  assert.deepEqual(Array.from(parseCsvSeries('2020-01-01\t4\n2020-01-02\t5\n').values), [4, 5]);
});

test('malformed CSV: each error names the row and column and what was expected', () => {
  const bad: [string, RegExp, (number | string)?][] = [
    ['', /expected a CSV time series, got an empty file/],
    ['value\n', /expected rows of numbers after the header, got none/],
    ['t,v\n1,2\n3\n4,5\n', /row 3 has 1 cell, expected 2 like row 1/],
    ['t,v\n1,2\n2,abc\n', /row 3, column 2 \('v'\) is 'abc', not a number/],
    ['1\n2\nNaN\n', /row 3, column 1 is NaN; expected a finite number/],
    ['1\n-inf\n', /row 2, column 1 is infinite \('-inf'\)/],
    ['t,v\n1,\n', /row 2, column 2 \('v'\) is empty; expected a number/],
    ['1\n1e999\n', /row 2, column 1 \('1e999'\) overflows a double/],
    ['1\n0x10\n', /row 2, column 1 is '0x10', not a number/],
    ['a,b\n1,2\n', /expected a column named 'c' in the header row, got 'a', 'b'/, 'c'],
    ['a,b\n1,2\n', /expected at least 3 columns, got 2 in row 1/, 3],
    ['a,b\n"1,2\n', /row 2 has an unterminated quoted cell/],
  ];
  for (const [text, message, column] of bad) assert.throws(() => parseCsvSeries(text, { column }), message, JSON.stringify(text));
  assert.throws(() => parseCsvSeries('x\n1\nz\n', { source: 'data.csv' }), /^Error: data\.csv: row 3, column 1 \('x'\) is 'z', not a number$/);
});

test('unfold esn fits a CSV series and forecasts it', () => {
  const dir = tempDir();
  const file = join(dir, 'sine.csv'), out = join(dir, 'forecast.csv');
  const rows = Array.from({ length: 400 }, (_, t) => `${t},${(10 + 3 * Math.sin((2 * Math.PI * t) / 40)).toFixed(6)}`);
  writeFileSync(file, `t,level\n${rows.join('\n')}\n`);
  const r = unfold('esn', file, '--units', '50', '--horizon', '5', '--washout', '50');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /series: 400 values from column 2 \('level'\)/);
  const nrmse = Number(/in-sample one-step NRMSE (\S+)/.exec(r.stderr)?.[1]);
  assert.ok(nrmse < 0.01, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.equal(lines[0], 'step,level');
  assert.equal(lines.length, 6);
  lines.slice(1).forEach((line, i) => {
    const [step, value] = line.split(',').map(Number);
    assert.equal(step, 401 + i);
    const truth = 10 + 3 * Math.sin((2 * Math.PI * (400 + i)) / 40);
    assert.ok(Math.abs(value - truth) < 0.1, `forecast ${i}: ${value} vs ${truth}`);
  });
  const w = unfold('esn', file, '--units', '20', '--horizon', '3', '--out', out);
  assert.equal(w.status, 0, w.stderr);
  assert.equal(readFileSync(out, 'utf8').trim().split('\n').length, 4);
});

test('unfold esn: bad files and arguments give one clear line and exit status 1', () => {
  const dir = tempDir();
  const write = (name: string, text: string): string => { const p = join(dir, name); writeFileSync(p, text); return p; };
  const cases: [string[], RegExp][] = [
    [[write('text.csv', 'v\n1\n2\noops\n')], /text\.csv: row 4, column 1 \('v'\) is 'oops', not a number/],
    [[write('nan.csv', '1\nnan\n')], /nan\.csv: row 2, column 1 is NaN; expected a finite number/],
    [[write('short.csv', '1\n2\n3\n')], /short\.csv: the series has 3 values; fitting needs at least 121 \(washout 100 \+ 20 training steps \+ 1\); use a longer series or a smaller --washout/],
    [[write('flat.csv', Array(200).fill('4').join('\n'))], /flat\.csv: column 1 is constant \(every value is 4\)/],
    [[write('bin.csv', '1\n\u00002\n')], /expected a CSV text file, got binary data/],
    [[join(dir, 'missing.csv')], /cannot read time series .*missing\.csv: no such file/],
    [[dir], /expected a file, got a directory/],
  ];
  for (const [args, message] of cases) {
    const r = unfold('esn', ...args);
    assert.equal(r.status, 1, `${args}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  }
  const flag = unfold('esn', write('ok.csv', '1\n2\n'), '--leak', '2');
  assert.notEqual(flag.status, 0);
  assert.match(flag.stderr, /expected a number in \[5e-324, 1\], got '2'/);
});

test('unfold tasks end with the common JSON result line under --json', () => {
  const keys = ['task', 'cell', 'length', 'metric', 'value', 'baseline', 'steps', 'seconds'];
  const mg = unfold('tasks', 'mackey-glass', '--runs', '1', '--json');
  assert.equal(mg.status, 0, mg.stderr);
  const a = JSON.parse(mg.stdout.trim()) as Record<string, unknown>;
  assert.deepEqual(Object.keys(a), keys);
  assert.equal(a.task, 'mackey-glass');
  assert.equal(a.metric, 'nrmse_range');
  assert.equal(a.baseline, 0.0069);
  assert.ok((a.value as number) < 0.0069, `10-step NRMSE ${a.value}`);
  const gen = unfold('tasks', 'mackey-glass', '--mode', 'generate', '--units', '100', '--runs', '1', '--horizon', '20', '--json');
  assert.equal(gen.status, 0, gen.stderr);
  const g = JSON.parse(gen.stdout.trim()) as Record<string, unknown>;
  assert.equal(g.metric, 'nrmse20');
  assert.equal(g.baseline, null);
  const na = unfold('tasks', 'narma10', '--runs', '1', '--json');
  assert.equal(na.status, 0, na.stderr);
  const n = JSON.parse(na.stdout.trim()) as Record<string, unknown>;
  assert.deepEqual(Object.keys(n), keys);
  assert.ok((n.value as number) < 0.2, `NARMA10 NMSE ${n.value}`);
  // Without --json the summary is on stdout.
  const plain = unfold('tasks', 'narma10', '--runs', '1', '--units', '30');
  assert.match(plain.stdout, /NARMA10 test NMSE, mean of 1 run: /);
});
