// What the NTM report draws for one test sequence: the input bits, the recalled bits beside their
// targets, and the read and write weightings of every step, from a trained BitSequenceModel. The
// numbers only; src/viz/ntm_weightings.ts lays them out.

import { noGrad } from '../autograd/grad_mode.js';
import { sigmoid } from '../autograd/ops/elementwise.js';
import { slice } from '../autograd/ops/shape_ops.js';
import type { Rng } from '../tensor/random.js';
import type { BitSequenceModel, BitTask } from './ntm_tasks.js';

/** One sequence as the report shows it; every matrix is a list of rows, one per step. */
export interface NtmView {
  task: string;
  /** The length the sequence was generated at (vectors or items). */
  length: number;
  /** x [T][I]. */
  inputs: number[][];
  /** The targets of the recall phase [L][O], and the model's probabilities σ(logit) there. */
  targets: number[][];
  outputs: number[][];
  /** The step the recall phase starts at. */
  outStart: number;
  /** The first read head's and the first write head's weighting at every step, [T][N]. */
  read: number[][];
  write: number[][];
}

function rows(values: ArrayLike<number>, width: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < values.length; i += width) out.push(Array.from(values).slice(i, i + width));
  return out;
}

/** One fresh sequence of `task` at each of `lengths`, run through the NTM `model`. Throws for the LSTM baseline. */
export function ntmViews(task: BitTask, model: BitSequenceModel, rng: Rng, lengths: readonly number[]): NtmView[] {
  return lengths.map((length) => {
    const batch = task.generate(rng, 1, length);
    const w = model.weightings(batch.x);
    if (w === null) throw new Error(`expected an NTM model for the weightings report, got model '${model.config.model}'`);
    const L = batch.y.shape[0], O = batch.y.shape[2];
    const p = noGrad(() => sigmoid(slice(model.forward(batch.x), 0, batch.outStart, batch.outStart + L)));
    const N = model.config.memorySize;
    return {
      task: task.name, length, inputs: rows(batch.x.dataSync(), batch.x.shape[2]), targets: rows(batch.y.dataSync(), O),
      outputs: rows(p.dataSync(), O), outStart: batch.outStart,
      // weightings(): [T][heads·N] per step; the first head of each kind is the first N values
      read: w.read.map((r) => r.slice(0, N)), write: w.write.map((r) => r.slice(0, N)),
    };
  });
}
