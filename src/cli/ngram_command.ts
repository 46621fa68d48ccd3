// `unfold ngram CORPUS --order k`: the Kneser–Ney n-gram baseline of a corpus in nats/char, on the
// validation split the character trainer uses (the last --val-fraction of the text), so its figure
// sits beside `unfold train`'s validation loss. --order takes one order or a range (1-8): one line
// per order.

import { Command, InvalidArgumentError } from 'commander';
import { readCorpusSync } from '../data/corpus_file.js';
import { ngramBaseline } from '../train/ngram.js';
import { TRAIN_DEFAULTS } from '../train/options.js';
import { float } from './parse.js';

/** The orders of `--order`: 'k' or 'a-b' (a ≤ b), each an integer in [0, 32]. */
export function orders(v: string): number[] {
  const m = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(v);
  const lo = m ? Number(m[1]) : NaN, hi = m ? Number(m[2] ?? m[1]) : NaN;
  if (!(lo >= 0 && hi >= lo && hi <= 32)) throw new InvalidArgumentError(`expected an order k or a range a-b of orders in [0, 32], got '${v}'`);
  return Array.from({ length: hi - lo + 1 }, (_, i) => lo + i);
}

export function ngramCommand(): Command {
  return new Command('ngram')
    .description('Kneser–Ney n-gram baseline: validation nats/char of a k-th order Markov model (k characters of context)')
    .argument('<corpus>', 'UTF-8 text file')
    .option('--order <k>', 'characters of context, or a range such as 1-8 (default 3)', orders)
    .option('--val-fraction <f>', 'the last fraction of the text scored, as unfold train splits it', float(Number.MIN_VALUE, 0.5), TRAIN_DEFAULTS.valFraction)
    .action((corpus: string, f: { order?: number[]; valFraction: number }) => {
      const text = readCorpusSync(corpus);
      for (const order of f.order ?? [3]) {
        const r = ngramBaseline(text, { order, valFraction: f.valFraction });
        process.stdout.write(`order ${order}: ${r.valLoss.toFixed(4)} nats/char (${r.valBits.toFixed(4)} bits/char) over ${r.valChars} validation characters` +
          ` (counted on ${r.trainChars}, vocabulary ${r.vocabSize})\n`);
      }
    });
}
