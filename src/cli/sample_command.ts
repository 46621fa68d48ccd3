// `unfold sample`: generates text from a trained checkpoint.

import { Command } from 'commander';
import { Rng } from '../tensor/random.js';
import { CharModel } from '../train/char_model.js';
import { openCheckpoint } from './open_checkpoint.js';
import { sampleAsync } from '../train/sample.js';
import { DEFAULT_CHECKPOINT } from './train_command.js';
import { filePath, float, int } from './parse.js';

/** Most characters one sample generates: minutes of stepping, tens of MB of text. */
export const MAX_SAMPLE_LENGTH = 10_000_000;

export function sampleCommand(): Command {
  return new Command('sample')
    .description('generate text from a trained checkpoint')
    .option('--checkpoint <path>', 'model checkpoint', filePath(), DEFAULT_CHECKPOINT)
    .option('--prime <text>', 'text to start from (the output continues it)', '')
    .option('--temperature <t>', 'softmax temperature; 0 is greedy', float(0), 1)
    .option('--top-k <k>', 'draw only among the k most likely characters', int(1))
    .option('--length <n>', `characters to generate (at most ${MAX_SAMPLE_LENGTH})`, int(0, MAX_SAMPLE_LENGTH), 500)
    .option('--seed <n>', 'random seed', int(0), 0)
    .action(async (f: { checkpoint: string; prime: string; temperature: number; topK?: number; length: number; seed: number }) => {
      const { model, vocabs } = openCheckpoint(f.checkpoint, CharModel, 'a character-level language model', 'unfold sample');
      // sample() itself except where the backend reads back only asynchronously (webgpu).
      const text = await sampleAsync(model, vocabs.text, { prime: f.prime, temperature: f.temperature, topK: f.topK, length: f.length, rng: new Rng(f.seed) });
      process.stdout.write(`${f.prime}${text}\n`);
    });
}
