// Ctrl-C and --resume, as a user meets them: each training command, interrupted by SIGINT once its
// first step has been reported, finishes that step, saves, exits with status 130, and `--resume`
// then ends with exactly the weights of the same run left alone.

import test from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadSafetensorsSync } from '../../src/io/checkpoint_file.js';
import { generatedCorpus, tempDir } from '../train/helpers.js';

const main = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src', 'cli', 'main.js');
const env = { ...process.env, UNFOLD_DEBUG: '' };

function unfold(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [main, ...args], { encoding: 'utf8', env });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Runs the command and sends SIGINT when its progress first reports a step (non-TTY progress lines). */
function interrupted(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [main, ...args], { env });
    let stdout = '', stderr = '', sent = false;
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (!sent && /% step \d+ /.test(stderr)) { sent = true; child.kill('SIGINT'); }
    });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

function weights(path: string): Record<string, number[]> {
  return Object.fromEntries(Object.entries(loadSafetensorsSync(path).tensors).map(([k, t]) => [k, Array.from(t.data)]));
}

async function checkResume(name: string, args: (out: string) => string[]): Promise<void> {
  const dir = tempDir();
  const full = join(dir, 'full.safetensors'), part = join(dir, 'part.safetensors');
  const whole = unfold(args(full));
  assert.equal(whole.status, 0, `${name}: ${whole.stderr}`);
  const first = await interrupted(args(part));
  assert.equal(first.status, 130, `${name}: expected exit status 130 after SIGINT, got ${first.status}: ${first.stderr}`);
  assert.match(first.stderr, /interrupted: finishing this step and saving a checkpoint/);
  assert.match(first.stdout, /stopped early/);
  const rest = unfold([...args(part), '--resume']);
  assert.equal(rest.status, 0, `${name}: ${rest.stderr}`);
  assert.match(rest.stderr, /resuming at step \d+/);
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
