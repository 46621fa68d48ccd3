// `unfold viz` refuses bad input with one clear line.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Rng } from '../../src/tensor/random.js';
import { CharModel } from '../../src/train/char_model.js';
import { Vocab } from '../../src/data/vocab.js';
import { saveCheckpoint } from '../../src/train/checkpoint_file.js';
import { tempDir, CLI } from '../helpers/files.js';

const viz = (args: string[]): { status: number | null; stderr: string } => spawnSync(process.execPath, [CLI, 'viz', ...args], { encoding: 'utf8' });

test('unfold viz: missing or bad checkpoint, too short a text, bad attention JSON', async () => {
  const dir = tempDir();
  assert.match(viz([]).stderr, /required option '--checkpoint <path>' not specified/);
  const missing = viz(['--checkpoint', join(dir, 'nope.safetensors')]);
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /unfold: error: .*nope\.safetensors/);
  const vocab = Vocab.fromText('abc\n');
  const ckpt = join(dir, 'm.safetensors');
  const model = new CharModel({ vocabSize: vocab.size, cell: 'lstm', hiddenSize: 4, numLayers: 1, embeddingSize: 3, dropout: 0 }, { rng: new Rng(1) });
  await saveCheckpoint(ckpt, { model, vocabs: { text: vocab }, step: 0 });
  writeFileSync(join(dir, 'one.txt'), 'a');
  assert.match(viz(['--checkpoint', ckpt, join(dir, 'one.txt'), '--out', join(dir, 'r.html')]).stderr, /expected a text of at least 2 characters to analyse, got 1/);
  writeFileSync(join(dir, 'att.json'), JSON.stringify([{ source: ['a'], target: ['b'], weights: [[0.5, 0.5]] }]));
  writeFileSync(join(dir, 'ok.txt'), 'abcabc\n');
  assert.match(viz(['--checkpoint', ckpt, join(dir, 'ok.txt'), '--attention', join(dir, 'att.json')]).stderr, /expected weights of shape \[1, 1\], got 2 columns in row 0/);
  assert.match(viz(['--checkpoint', ckpt, join(dir, 'ok.txt'), '--chars', '1']).stderr, /--chars.*expected an integer >= 2, got '1'/);
});
