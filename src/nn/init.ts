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
  for (let i = 0; i < t.size; i++) t.data[i] = rng.uniform(-bound, bound);
  return t;
}

/** N(0, std²). */
export function normalInit(shape: Shape, std: number, options: InitOptions = {}): Tensor {
  const t = zeros(shape, { dtype: options.dtype });
  const rng = options.rng ?? defaultRng();
  for (let i = 0; i < t.size; i++) t.data[i] = std * rng.normal();
  return t;
}

/**
 * How a recurrent weight W_hh starts: 'uniform' (PyTorch's U(−1/√H, 1/√H), the default),
 * 'orthogonal' (each gate's H×H block an independent random orthogonal matrix, as
 * torch.nn.init.orthogonal_ applied per gate: every singular value 1, so products of W_hh neither
 * grow nor shrink at the start; Saxe et al. 2014), or 'identity' (each gate's block the identity and
 * the biases zero: with ReLU this is the IRNN of Le et al. 2015, whose state is copied forward
 * unchanged until training says otherwise).
 */
export type RecurrentInit = 'uniform' | 'orthogonal' | 'identity';

export const RECURRENT_INITS: readonly RecurrentInit[] = ['uniform', 'orthogonal', 'identity'];

/** Checks a recurrentInit option, naming what came. */
export function checkRecurrentInit(v: unknown): RecurrentInit {
  if (!RECURRENT_INITS.includes(v as RecurrentInit)) {
    throw new Error(`expected recurrentInit 'uniform', 'orthogonal' or 'identity', got ${typeof v === 'string' ? `'${v}'` : String(v)}`);
  }
  return v as RecurrentInit;
}

/**
 * A random n×n orthogonal matrix, row-major: the Q of the QR factorisation of a standard normal
 * matrix with R's diagonal positive, which makes Q Haar-distributed (Mezzadri 2007), as
 * torch.nn.init.orthogonal_ does. Gram–Schmidt gives that R directly (each diagonal entry is a
 * norm); it runs twice per column so that QᵀQ = I to rounding even for nearly dependent columns.
 */
export function orthogonalMatrix(n: number, rng: Rng = defaultRng()): Float64Array {
  const a = new Float64Array(n * n);
  for (let i = 0; i < a.length; i++) a[i] = rng.normal();
  for (let j = 0; j < n; j++) {
    for (let pass = 0; pass < 2; pass++) {
      for (let k = 0; k < j; k++) {
        let dot = 0;
        for (let i = 0; i < n; i++) dot += a[i * n + k] * a[i * n + j];
        for (let i = 0; i < n; i++) a[i * n + j] -= dot * a[i * n + k];
      }
    }
    let norm = 0;
    for (let i = 0; i < n; i++) norm += a[i * n + j] ** 2;
    norm = Math.sqrt(norm);
    for (let i = 0; i < n; i++) a[i * n + j] /= norm;
  }
  return a;
}

/**
 * Overwrites a recurrent weight [G·H, H] (G gate blocks stacked by rows, PyTorch's layout) with
 * `kind` per block; 'uniform' leaves it as it is. For 'identity' each block is gain·I (default 1)
 * and the biases given are zeroed.
 */
export function initRecurrentWeight(weight: Tensor, kind: RecurrentInit, biases: readonly (Tensor | null)[], rng: Rng = defaultRng(), gain = 1): void {
  if (kind === 'uniform') return;
  const [rows, H] = weight.shape;
  const w = weight.data;
  for (let g = 0; g < rows / H; g++) {
    const block = kind === 'orthogonal' ? orthogonalMatrix(H, rng) : null;
    for (let i = 0; i < H; i++) {
      for (let j = 0; j < H; j++) w[(g * H + i) * H + j] = block ? block[i * H + j] : i === j ? gain : 0;
    }
  }
  if (kind === 'identity') for (const b of biases) b?.data.fill(0);
}
