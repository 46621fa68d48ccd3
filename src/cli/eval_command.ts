// `unfold eval`: the loss of a trained checkpoint over a text file, in nats per character.

import { Command } from 'commander';
import { readCorpusSync } from '../data/corpus_file.js';
import { CharModel } from '../train/char_model.js';
import { openCheckpoint } from './open_checkpoint.js';
import { evaluateAsync } from '../train/evaluate.js';
import { DEFAULT_CHECKPOINT } from './train_command.js';
import { filePath, int } from './parse.js';
import { finiteMetric } from './finite_metric.js';

export function evalCommand(): Command {
  return new Command('eval')
    .description('cross-entropy of a checkpoint over a text file (nats/char)')
    .argument('<corpus>', 'UTF-8 text file')
    .option('--checkpoint <path>', 'model checkpoint', filePath(), DEFAULT_CHECKPOINT)
    .option('--seq-len <n>', 'steps per forward pass', int(1), 128)
    .option('--batch <n>', 'parallel streams', int(1), 16)
    .action(async (corpus: string, f: { checkpoint: string; seqLen: number; batch: number }) => {
      const { model, vocabs: { text: vocab } } = openCheckpoint(f.checkpoint, CharModel, 'a character-level language model', 'unfold eval');
      const text = readCorpusSync(corpus);
      const ids = vocab.encode(text);
      let unknown = 0;
      for (const id of ids) if (id === vocab.unknownId) unknown++;
      // Awaited reads, so that it computes on backends that read back only asynchronously (webgpu) too.
      const loss = finiteMetric(await evaluateAsync(model, ids, { seqLen: f.seqLen, batchSize: f.batch }), `cross-entropy of ${f.checkpoint} over ${corpus}`);
      process.stdout.write(`${loss.toFixed(4)} nats/char (${(loss / Math.LN2).toFixed(4)} bits/char) over ${ids.length} characters` +
        `${unknown ? `, ${unknown} not in the model's vocabulary` : ''}\n`);
    });
}
