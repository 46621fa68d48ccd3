// The new cells run in the generic layer loop too: nn.Recurrence (any RecurrentCell, variable
// lengths) over a padded batch gives, for each row, exactly unroll() over that row cut to its
// length, zeros past it, and the carry after the row's own last step.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { JordanCell, LeakyRNNCell, Recurrence, SkipRNNCell, type RecurrentCell } from '../../../src/nn/index.js';
import { unroll } from '../../../src/nn/seq/index.js';
import { slice } from '../../../src/autograd/index.js';
import { assertClose, rand64 } from '../../helpers/tensors.js';

const I = 2, H = 3, T = 5, lengths = [5, 2, 3];

const cells: [string, () => RecurrentCell][] = [
  ['LeakyRNNCell', () => new LeakyRNNCell({ inputSize: I, hiddenSize: H, learnAlpha: true }, { dtype: 'float64' })],
  ['SkipRNNCell', () => new SkipRNNCell({ inputSize: I, hiddenSize: H, delays: [1, 2] }, { dtype: 'float64' })],
  ['JordanCell', () => new JordanCell({ inputSize: I, hiddenSize: H, outputSize: 2, hiddenToHidden: true }, { dtype: 'float64' })],
];

for (const [name, make] of cells) {
  test(`${name} in nn.Recurrence with lengths equals unroll over each row's real steps`, () => {
    const cell = make();
    const x = rand64([T, lengths.length, I], 81, { grad: false });
    const [y, carry] = new Recurrence(cell).forward(x, undefined, { lengths });
    const B = lengths.length;
    for (let b = 0; b < B; b++) {
      const alone = unroll(cell, slice(slice(x, 1, b, b + 1), 0, 0, lengths[b]));
      for (let t = 0; t < T; t++) {
        const got = y.toArray().slice((t * B + b) * H, (t * B + b + 1) * H);
        if (t < lengths[b]) assertClose(got, alone.outputs.toArray().slice(t * H, (t + 1) * H), 1e-14, 0, `row ${b} step ${t}`);
        else assert.ok(got.every((v) => v === 0), `row ${b} step ${t} is padding`);
      }
      alone.carry.forEach((c, j) => {
        const w = c.shape[1];
        assertClose(carry[j].toArray().slice(b * w, (b + 1) * w), c.toArray(), 1e-14, 0, `row ${b} carry ${j}`);
      });
    }
  });
}
