// kill -9 in every window of a checkpoint save of `unfold train` (helpers/slow_writes.ts stops the
// third save there): each time the model file still loads on its own, `--resume` continues and ends
// with exactly the weights of a run never killed, and nothing temporary is left once it has saved.
// The long version (50 kills at random moments) is scripts/kill_probe.mjs.

import test from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import '../../src/autograd/methods.js';
import { loadCheckpoint } from '../../src/train/checkpoint_file.js';
import { loadSafetensorsSync } from '../../src/io/checkpoint_file.js';
import { generatedCorpus } from '../helpers/corpus.js';
import { tempDir, CLI, ROOT } from '../helpers/files.js';

const HOOK = join(ROOT, 'dist', 'test', 'helpers', 'slow_writes.js');
const env = { ...process.env, UNFOLD_DEBUG: '' };
const corpus = join(tempDir(), 'corpus.txt');
writeFileSync(corpus, generatedCorpus());
const args = (out: string): string[] => ['train', corpus, '--hidden', '16', '--embedding', '8', '--seq-len', '16', '--batch', '4',
  '--dropout', '0.1', '--steps', '30', '--checkpoint-every', '3', '--out', out];

function unfold(argv: string[]): { status: number | null; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...argv], { encoding: 'utf8', env });
  return { status: r.status, stderr: r.stderr };
}

/** Runs `unfold train` with the hook stopping the third save at `point`, and kills it -9 there. */
function killedAt(point: string, out: string): Promise<{ signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', HOOK, CLI, ...args(out)], { env: { ...env, SLOW_WRITES: `${point}:3` } });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (stderr.includes(`slow-writes: ${point} `)) child.kill('SIGKILL');
    });
    child.on('error', reject);
    child.on('close', (_status, signal) => resolve({ signal, stderr }));
  });
}

const weights = (path: string): Record<string, number[]> =>
  Object.fromEntries(Object.entries(loadSafetensorsSync(path).tensors).map(([k, t]) => [k, Array.from(t.data)]));

test('kill -9 during a save, in each window: the model loads, --resume ends where the run would have, no leftovers', async () => {
  const full = join(tempDir(), 'full.safetensors');
  assert.equal(unfold(args(full)).status, 0);
  const left: Record<string, (name: string) => boolean> = {
    'state-temp': (n) => /^\.part\.state\.safetensors\.\d+\.[0-9a-f]{12}\.tmp$/.test(n),
    gap: (n) => n === 'part.state.safetensors.prev',
    'model-temp': (n) => /^\.part\.safetensors\.\d+\.[0-9a-f]{12}\.tmp$/.test(n),
    model: (n) => n === 'part.state.safetensors.prev',
  };
  for (const [point, isLeftover] of Object.entries(left)) {
    const dir = tempDir();
    const part = join(dir, 'part.safetensors');
    const killed = await killedAt(point, part);
    assert.equal(killed.signal, 'SIGKILL', `${point}: ${killed.stderr}`);
    assert.ok(readdirSync(dir).some(isLeftover), `${point}: the kill landed in the save (${readdirSync(dir).join(', ')})`);
    assert.ok(loadCheckpoint(part).step > 0, `${point}: the model file loads`);
    const rest = unfold([...args(part), '--resume']);
    assert.equal(rest.status, 0, `${point}: ${rest.stderr}`);
    assert.deepEqual(readdirSync(dir).sort(), ['part.metrics.jsonl', 'part.safetensors', 'part.state.safetensors'], `${point}: nothing left over`);
    assert.deepEqual(weights(part), weights(full), `${point}: resumed weights differ from the uninterrupted run's`);
  }
});
