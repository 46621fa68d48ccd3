// The optimizer a task trains with: Adam (the suite's default), RMSprop (expRNN's) or SGD (with
// momentum or without: Pascanu et al. 2013 trained the tanh RNN with plain SGD), with the
// orthogonal cells' A = log_weight_hh in a group of its own when the task gives it its own
// learning rate. expRNN (Lezcano-Casado & Martínez-Rubio 2019) trains A 10× slower than the other
// parameters: A moves every rotation of W_hh = exp(A) at once, and at the same lr as the input and
// read-out weights it scrambles the phases that hold the symbols on the copy task.

import type { Tensor } from '../tensor/tensor.js';
import type { Module } from '../nn/module.js';
import { OrthogonalRNNCell } from '../nn/cells/orthogonal_cell.js';
import { Adam } from '../optim/adam.js';
import { RMSprop } from '../optim/rmsprop.js';
import { SGD } from '../optim/sgd.js';
import { checkLearningRate } from '../optim/learning_rate_limit.js';
import { TASK_OPTIMIZERS, type TaskSettings } from './task_spec.js';

/** The skew-symmetric parameters (A of W_hh = exp(A)) of every orthogonal cell in `model`. */
export function orthogonalParameters(model: Module): Tensor[] {
  return model.namedModules().flatMap(([, m]) => (m instanceof OrthogonalRNNCell ? [m.log_weight_hh] : []));
}

/**
 * The optimizer for `model` under settings `s`: `s.optimizer` (default Adam) at `s.lr` (SGD with
 * `s.momentum`); when `s.lrOrth` is set and the model has orthogonal cells, their A in a second group
 * at `s.lrOrth`.
 */
export function taskOptimizer(model: Module, s: TaskSettings): Adam | RMSprop | SGD {
  const orth = s.lrOrth === undefined ? [] : orthogonalParameters(model);
  if (s.lrOrth !== undefined) checkLearningRate(s.lrOrth);
  const own = new Set(orth);
  const groups = orth.length === 0
    ? [{ params: model.parameters() }]
    : [{ params: model.parameters().filter((p) => !own.has(p)) }, { params: orth, lr: s.lrOrth }];
  const name = s.optimizer ?? 'adam';
  if (s.momentum !== undefined && name !== 'sgd') throw new Error(`expected momentum only with the sgd optimizer, got momentum ${s.momentum} with ${name}`);
  if (name === 'rmsprop') return new RMSprop(groups, { lr: s.lr });
  if (name === 'adam') return new Adam(groups, { lr: s.lr });
  if (name === 'sgd') return new SGD(groups, { lr: s.lr, momentum: s.momentum ?? 0 });
  throw new Error(`expected an optimizer ${TASK_OPTIMIZERS.join(', ')}, got ${String(name)}`);
}
