// Shared pieces of the training and command-line tests: a generated corpus (no outside text) and a
// character model read back from a checkpoint file.

import { CharModel } from '../../src/train/char_model.js';
import { expectModel } from '../../src/train/checkpoint.js';
import { loadCheckpoint } from '../../src/train/checkpoint_file.js';
import type { Vocab } from '../../src/data/vocab.js';

/** A small deterministic corpus with structure a model can learn: counting words and brackets. */
export function generatedCorpus(lines = 200): string {
  const words = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];
  const out: string[] = [];
  for (let i = 0; i < lines; i++) {
    const n = (i * 7) % 100;
    out.push(`(${words[Math.floor(n / 10)]} ${words[n % 10]}) = ${n};`);
  }
  return out.join('\n') + '\n';
}

/** The character model, vocabulary and step of the checkpoint at `path`. */
export function loadCharModel(path: string): { model: CharModel; vocab: Vocab; step: number } {
  const c = loadCheckpoint(path);
  return { model: expectModel(c, CharModel, 'a character-level language model', 'test'), vocab: c.vocabs.text, step: c.step };
}
