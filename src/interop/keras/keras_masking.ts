// How Keras runs a recurrent layer over a masked batch, reproduced on unfold's layers. Keras (and
// TensorFlow.js) skip masked steps as unfold does, but where unfold outputs 0 at a skipped step Keras
// repeats the last output (the carried h); and go_backwards reverses the whole padded sequence, mask
// included, and returns the outputs in that reversed order. Both are built here around an unfold
// SequenceModule, which runs forward over real steps only; without a mask this is the layer itself.

import { Tensor, tensor } from '../../tensor/tensor.js';
import { mul } from '../../autograd/ops/elementwise.js';
import { selectRows } from '../../autograd/ops/gather.js';
import { reshape, select } from '../../autograd/ops/shape_ops.js';
import { StepMask } from '../../nn/layers/step_mask.js';
import { flipSequences } from '../../nn/wrappers/flip_sequences.js';
import type { SequenceModule } from '../../nn/wrappers/sequence_module.js';

/** The mask of a whole-sequence reversal: step t of the result is step T−1−t of `steps`. */
export function reverseSteps(steps: StepMask): StepMask {
  const { T, B, on } = steps, out = new Uint8Array(T * B);
  for (let t = 0; t < T; t++) out.set(on.subarray((T - 1 - t) * B, (T - t) * B), t * B);
  return StepMask.fromMask(out, T, B, false);
}

/**
 * y [T, B, F] with every masked step replaced by the last real step before it in the same row
 * (left as is, unfold's 0, where the row has none yet): Keras' outputs at masked steps.
 */
export function carryForward(y: Tensor, steps: StepMask): Tensor {
  const [T, B, F] = y.shape;
  const source = new Int32Array(T * B);
  for (let b = 0; b < B; b++) {
    let last = -1;
    for (let t = 0; t < T; t++) {
      const row = t * B + b;
      if (steps.on[row] === 1) last = row;
      source[row] = last >= 0 ? last : row;
    }
  }
  return reshape(selectRows(reshape(y, [T * B, F]), source), [T, B, F]);
}

/**
 * One Keras recurrent direction over x [T, B, F] (time-major) with real steps `steps` (null: all):
 * the outputs [T, B, H] in the order Keras processes the steps (reversed when `backwards`), masked
 * steps holding the last output. The layer's final output is the result's last step (lastOutput).
 */
export function runKerasDirection(m: SequenceModule, x: Tensor, steps: StepMask | null, backwards: boolean): Tensor {
  const xs = backwards ? flipSequences(x, null) : x;
  let live = steps && !steps.full ? (backwards ? reverseSteps(steps) : steps) : null;
  // A row with no real step stays at Keras' zero state; unfold's layers need one step per row, so
  // such a row runs its first step and its outputs are zeroed after.
  const empty = live ? emptyRows(live) : null;
  if (live && empty) {
    const on = Uint8Array.from(live.on);
    empty.forEach((e, b) => { if (e) on[b] = 1; });
    live = StepMask.fromMask(on, live.T, live.B, false);
  }
  const { output } = m.runSequence(xs, null, live);
  const y = live ? carryForward(output, live) : output;
  return empty ? mul(y, tensor(empty.map((e) => (e ? 0 : 1)), [1, empty.length, 1], { dtype: y.dtype })) : y;
}

// Which rows of a mask have no real step (null when every row has one).
function emptyRows(steps: StepMask): boolean[] | null {
  const empty = Array.from({ length: steps.B }, (_, b) => !steps.on.some((v, i) => v === 1 && i % steps.B === b));
  return empty.some((e) => e) ? empty : null;
}

/** The last step of y [T, B, H]: [B, H]. */
export function lastOutput(y: Tensor): Tensor {
  return select(y, 0, y.shape[0] - 1);
}
