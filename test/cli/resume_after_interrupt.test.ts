// Ctrl-C and --resume, as a user meets them: each training command (unfold train, seq2seq train,
// tasks captions, the tree tasks, ntm-copy), interrupted by SIGINT once its first step or epoch has been
// reported, finishes that step, saves, exits with status 130, and `--resume` then ends with exactly
// the weights of the same run left alone. SIGTERM (kill, timeout, systemd) does the same, status 143.

import test from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadSafetensorsSync } from '../../src/io/checkpoint_file.js';
import { generatedCorpus } from '../helpers/corpus.js';
import { tempDir, CLI as main } from '../helpers/files.js';

const env = { ...process.env, UNFOLD_DEBUG: '' };

function unfold(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [main, ...args], { encoding: 'utf8', env });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Runs the command and sends `signal` once stderr shows `when` (by default, a non-TTY progress line). */
function interrupted(args: string[], when = /% step \d+ /, signal: NodeJS.Signals = 'SIGINT'): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [main, ...args], { env });
    let stdout = '', stderr = '', sent = false;
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (!sent && when.test(stderr)) { sent = true; child.kill(signal); }
    });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** The weights of a model file, or of every model file below a folder (by relative path). */
function weights(path: string): Record<string, number[]> {
  if (!path.endsWith('.safetensors')) {
    const files = readdirSync(path, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.safetensors') && !f.endsWith('.state.safetensors')).sort();
    assert.ok(files.length > 0, `no model files in ${path}`);
    return Object.fromEntries(files.flatMap((f) => Object.entries(weights(join(path, f))).map(([k, v]) => [`${f}:${k}`, v])));
  }
  return Object.fromEntries(Object.entries(loadSafetensorsSync(path).tensors).map(([k, t]) => [k, Array.from(t.data)]));
}

/** `args(out)` with out a model file (`.safetensors`) or a folder. */
async function checkResume(name: string, args: (out: string) => string[], out = '.safetensors', when?: RegExp, signal: NodeJS.Signals = 'SIGINT'): Promise<void> {
  const dir = tempDir();
  const full = join(dir, `full${out}`), part = join(dir, `part${out}`);
  const whole = unfold(args(full));
  assert.equal(whole.status, 0, `${name}: ${whole.stderr}`);
  const first = await interrupted(args(part), when, signal);
  const status = signal === 'SIGINT' ? 130 : 143;
  assert.equal(first.status, status, `${name}: expected exit status ${status} after ${signal}, got ${first.status}: ${first.stderr}`);
  assert.match(first.stderr, /interrupted: finishing this step and saving a checkpoint/);
  assert.match(first.stdout, /stopped early/);
  const rest = unfold([...args(part), '--resume']);
  assert.equal(rest.status, 0, `${name}: ${rest.stderr}`);
  assert.deepEqual(weights(part), weights(full), `${name}: resumed weights differ from the uninterrupted run's`);
}

test('unfold train: Ctrl-C saves, --resume ends where the run would have', async () => {
  const corpus = join(tempDir(), 'corpus.txt');
  writeFileSync(corpus, generatedCorpus());
  await checkResume('train', (out) => ['train', corpus, '--hidden', '16', '--embedding', '8', '--seq-len', '16', '--batch', '4', '--dropout', '0.1', '--steps', '60', '--out', out]);
});

test('unfold seq2seq train: Ctrl-C saves, --resume ends where the run would have', async () => {
  const pairs = join(tempDir(), 'pairs.tsv');
  const words = ['abc', 'bca', 'cab', 'aab', 'bba', 'cca', 'abca', 'bcab', 'acb', 'bac'];
  writeFileSync(pairs, words.map((w) => `${w}\t${[...w].reverse().join('')}\n`).join(''));
  await checkResume('seq2seq', (out) => ['seq2seq', 'train', pairs, '--hidden', '12', '--embedding', '6', '--batch', '4', '--val', '2', '--teacher-forcing', 'linear:0.02:0.5', '--steps', '60', '--out', out]);
});

test('unfold tasks captions: Ctrl-C saves the model in --out, --resume ends where the run would have', async () => {
  await checkResume('captions', (out) => ['tasks', 'captions', '--steps', '40', '--batch', '4', '--hidden', '16', '--test', '8', '--no-baseline', '--out', out], '');
});

test('unfold tasks sentiment-trees and expr-trees: Ctrl-C saves the models in --out, --resume ends where the runs would have', async () => {
  await checkResume('sentiment-trees', (out) => ['tasks', 'sentiment-trees', '--train', '30', '--test', '6', '--epochs', '12', '--hidden', '8', '--embedding', '6', '--models', 'tree-lstm,lstm', '--out', out], '', /epoch 1:/);
  await checkResume('expr-trees', (out) => ['tasks', 'expr-trees', '--train', '30', '--test', '6', '--epochs', '12', '--hidden', '8', '--embedding', '6', '--models', 'recursive,lstm', '--out', out], '', /epoch 1:/);
});

test('unfold tasks adding, two runs: Ctrl-C in the second saves both in --out, --resume ends where the runs would have', async () => {
  await checkResume('adding', (out) => ['tasks', 'adding', '--length', '8', '--steps', '150', '--hidden', '8', '--test', '20', '--runs', '2', '--out', out], '', /run 1: test/);
});

test('unfold tasks ntm-copy: Ctrl-C saves the NTM in --out, --resume ends with the uninterrupted run\'s weights', async () => {
  await checkResume('ntm-copy', (out) => ['tasks', 'ntm-copy', '--steps', '60', '--hidden', '8', '--memory', '8', '--width', '4', '--batch', '4',
    '--train-lengths', '1-3', '--test-lengths', '3', '--test', '4', '--out', out], '', /step \d+: loss/);
});

test('SIGTERM saves like Ctrl-C (exit status 143): unfold train and a task command, each resumed to where the run would have ended', async () => {
  const corpus = join(tempDir(), 'corpus.txt');
  writeFileSync(corpus, generatedCorpus());
  await checkResume('train', (out) => ['train', corpus, '--hidden', '16', '--embedding', '8', '--seq-len', '16', '--batch', '4', '--dropout', '0.1', '--steps', '60', '--out', out], '.safetensors', undefined, 'SIGTERM');
  await checkResume('expr-trees', (out) => ['tasks', 'expr-trees', '--train', '30', '--test', '6', '--epochs', '12', '--hidden', '8', '--embedding', '6', '--models', 'recursive', '--out', out], '', /epoch 1:/, 'SIGTERM');
});

test('unfold tasks expr-parse: Ctrl-C saves the models in --out, --resume ends where the run would have', async () => {
  await checkResume('expr-parse', (out) => ['tasks', 'expr-parse', '--steps', '6', '--test', '3', '--train-ops', '1', '--test-ops', '2', '--hidden', '8', '--embedding', '4', '--batch', '4', '--out', out], '');
});
