// Parameter initialisers, matching PyTorch's defaults so that models start from the same
// distributions: recurrent layers and Linear use U(−k, k) with k = 1/√fan (Linear's
// kaiming_uniform with a = √5 reduces to exactly that bound), Embedding uses N(0, 1).

import { Tensor, zeros } from '../tensor/tensor.js';
import { defaultRng, type Rng } from '../tensor/random.js';
import type { DType } from '../tensor/tensor.js';
import type { Shape } from '../tensor/shape.js';

export interface InitOptions {
  dtype?: DType;
  rng?: Rng;
}

/** U(−bound, bound). */
export function uniformInit(shape: Shape, bound: number, options: InitOptions = {}): Tensor {
  const t = zeros(shape, { dtype: options.dtype });
  const rng = options.rng ?? defaultRng();
  const d = t.storage.overwrite(); // once: `t.data` is a getter that marks the storage written
  for (let i = 0; i < d.length; i++) d[i] = rng.uniform(-bound, bound);
  return t;
}

/** N(0, std²). */
export function normalInit(shape: Shape, std: number, options: InitOptions = {}): Tensor {
  const t = zeros(shape, { dtype: options.dtype });
  const rng = options.rng ?? defaultRng();
  const d = t.storage.overwrite();
  for (let i = 0; i < d.length; i++) d[i] = std * rng.normal();
  return t;
}
