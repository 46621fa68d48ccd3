// Parameter initialisers, matching PyTorch's defaults so that models start from the same
// distributions: recurrent layers and Linear use U(−k, k) with k = 1/√fan (Linear's
// kaiming_uniform with a = √5 reduces to exactly that bound), Embedding uses N(0, 1).

import { Tensor, zeros } from '../tensor/tensor.js';
import { defaultRng, type Rng } from '../tensor/random.js';
import type { DType } from '../tensor/tensor.js';
import type { Shape } from '../tensor/shape.js';
import { spectralRadiusExact } from './eigen.js';

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
  return fillNormal(zeros(shape, { dtype: options.dtype }), std, options.rng);
}

/** Overwrites t's values in place with draws from N(0, std²) (re-initialising a parameter); returns t. */
export function fillNormal(t: Tensor, std: number, rng: Rng = defaultRng()): Tensor {
  const d = t.storage.overwrite(); // once: `t.data` is a getter that marks the storage written
  for (let i = 0; i < d.length; i++) d[i] = std * rng.normal();
  return t;
}

/**
 * How a recurrent weight W_hh starts: 'uniform' (PyTorch's U(−1/√H, 1/√H), the default),
 * 'orthogonal' (each gate's H×H block an independent random orthogonal matrix, as
 * torch.nn.init.orthogonal_ applied per gate: every singular value 1, so products of W_hh neither
 * grow nor shrink at the start; Saxe et al. 2014), or 'identity' (each gate's block the identity and
 * the biases zero: with ReLU this is the IRNN of Le et al. 2015, whose state is copied forward
 * unchanged until training says otherwise), or 'sparse' (each gate's block has
 * SPARSE_INIT_NONZEROS standard normal entries per row at random columns, the rest zero, and is
 * scaled to spectral radius SPARSE_INIT_RADIUS: the sparse initialisation of Sutskever et al. 2013
 * that Pascanu et al. 2013 use for tanh nets on the long-range tasks, there with 15 and 0.95; a
 * radius just under 1 lets the state's memory fade slowly from the start).
 */
export type RecurrentInit = 'uniform' | 'orthogonal' | 'identity' | 'sparse';

export const RECURRENT_INITS: readonly RecurrentInit[] = ['uniform', 'orthogonal', 'identity', 'sparse'];

/** Nonzero entries per row of a 'sparse' recurrent block (all of them when H is smaller). */
export const SPARSE_INIT_NONZEROS = 15;
/** Spectral radius of a 'sparse' recurrent block. */
export const SPARSE_INIT_RADIUS = 0.95;

/** Checks a recurrentInit option, naming what came. */
export function checkRecurrentInit(v: unknown): RecurrentInit {
  if (!RECURRENT_INITS.includes(v as RecurrentInit)) {
    throw new Error(`expected recurrentInit ${RECURRENT_INITS.map((k) => `'${k}'`).join(', ')}, got ${typeof v === 'string' ? `'${v}'` : String(v)}`);
  }
  return v as RecurrentInit;
}

/**
 * An n×n row-major matrix with min(nonzeros, n) standard normal entries per row at distinct random
 * columns, scaled to spectral radius `radius` (max |λ|, exact: ./eigen.ts).
 */
export function sparseRecurrentMatrix(n: number, rng: Rng = defaultRng(), nonzeros = SPARSE_INIT_NONZEROS, radius = SPARSE_INIT_RADIUS): Float64Array {
  const a = new Float64Array(n * n);
  const k = Math.min(nonzeros, n), cols = new Int32Array(k), mark = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    rng.distinct(n, k, cols, mark);
    for (const j of cols) a[i * n + j] = rng.normal();
  }
  const rho = spectralRadiusExact(a, n);
  if (rho > 0) for (let i = 0; i < a.length; i++) a[i] *= radius / rho;
  return a;
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
 * and the biases given are zeroed; a 'sparse' block's radius is SPARSE_INIT_RADIUS·gain.
 */
export function initRecurrentWeight(weight: Tensor, kind: RecurrentInit, biases: readonly (Tensor | null)[], rng: Rng = defaultRng(), gain = 1): void {
  if (kind === 'uniform') return;
  const [rows, H] = weight.shape;
  const w = weight.data;
  for (let g = 0; g < rows / H; g++) {
    const block = kind === 'orthogonal' ? orthogonalMatrix(H, rng) : kind === 'sparse' ? sparseRecurrentMatrix(H, rng, SPARSE_INIT_NONZEROS, SPARSE_INIT_RADIUS * gain) : null;
    for (let i = 0; i < H; i++) {
      for (let j = 0; j < H; j++) w[(g * H + i) * H + j] = block ? block[i * H + j] : i === j ? gain : 0;
    }
  }
  if (kind === 'identity') for (const b of biases) b?.data.fill(0);
}
