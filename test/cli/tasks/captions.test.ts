// `unfold tasks captions` end to end, as a user runs it: under --json stdout is exactly one JSON
// result line (with and without attention, BLEU-1…4 of both, the baseline trained for as many steps),
// --report writes a self-contained page of attention heatmaps over grid cells, and bad flags fail
// with one clear line.

import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir, CLI as main } from '../../helpers/files.js';


function unfold(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [main, ...args], { encoding: 'utf8', env: { ...process.env, UNFOLD_DEBUG: '' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('unfold tasks captions --json prints exactly one result line; --report writes attention heatmaps', () => {
  const report = join(tempDir(), 'captions.html');
  const r = unfold(['tasks', 'captions', '--steps', '3', '--test', '12', '--hidden', '8', '--batch', '4', '--json', '--report', report, '--maps', '2']);
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.split('\n').filter((l) => l.length > 0);
  assert.equal(lines.length, 1, `stdout: ${r.stdout}`);
  const res = JSON.parse(lines[0]);
  assert.equal(res.task, 'captions');
  assert.equal(res.metric, 'exact_match');
  assert.equal(res.attention, 'general');
  assert.equal(res.steps, 3);
  assert.equal(res.test, 12);
  for (const k of ['value', 'withoutAttention', 'seconds']) assert.equal(typeof res[k], 'number', k);
  assert.equal(res.baseline, res.withoutAttention);
  assert.ok(res.value >= 0 && res.value <= 1);
  for (const k of ['bleu', 'withoutAttentionBleu']) {
    assert.equal(res[k].length, 4, k);
    for (const b of res[k]) assert.ok(b >= 0 && b <= 1, `${k}: ${b}`);
  }
  assert.match(r.stderr, /without attention: .* after|without attention: .*3 steps/);
  const html = readFileSync(report, 'utf8');
  assert.match(html, /^<!doctype html>/);
  assert.equal((html.match(/<figure class="attention-map">/g) ?? []).length, 2);
  assert.equal((html.match(/<svg /g) ?? []).length, 2);
  for (const cell of ['r0c0', 'r1c2', 'r2c2']) assert.ok(html.includes(`<span>${cell}</span>`), cell);
  assert.ok(!/<script/.test(html), 'static page');
});

test('unfold tasks captions: --attention none trains one model; a report then is a clear error', () => {
  const r = unfold(['tasks', 'captions', '--attention', 'none', '--steps', '2', '--test', '5', '--hidden', '8', '--batch', '4', '--json']);
  assert.equal(r.status, 0, r.stderr);
  const res = JSON.parse(r.stdout.trim());
  assert.equal(res.attention, 'none');
  assert.equal(res.withoutAttention, null);
  assert.equal(res.withoutAttentionBleu, null);
  const bad = unfold(['tasks', 'captions', '--attention', 'none', '--steps', '2', '--report', join(tempDir(), 'x.html')]);
  assert.notEqual(bad.status, 0);
  assert.match(bad.stderr, /--report draws attention maps: expected --attention additive, general or dot, got none/);
  const kind = unfold(['tasks', 'captions', '--attention', 'luong']);
  assert.notEqual(kind.status, 0);
  assert.match(kind.stderr, /additive, general, dot, none|luong/);
});
