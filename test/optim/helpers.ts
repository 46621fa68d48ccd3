// Shared pieces of the optim tests: the PyTorch reference file, the test problem (a scaled
// Rosenbrock function with its gradient written out by hand), and a factory for the optimizers.

import { readFileSync } from 'node:fs';
import { Tensor, tensor, type NestedArray } from '../../src/tensor/tensor.js';
import type { DType } from '../../src/backend/dtype.js';
import { Adagrad, Adam, AdamW, RMSprop, SGD, type Optimizer, type BaseHyperParams } from '../../src/optim/index.js';

export interface OptimizerCase {
  name: string;
  optimizer: 'SGD' | 'Adam' | 'AdamW' | 'RMSprop' | 'Adagrad';
  options: Record<string, unknown>;
  dtype: DType;
  groups?: ({ params: number[] } & Record<string, unknown>)[];
  skip?: [number, number][];
  /** trajectory[step][param] = the parameter's entries after that step. */
  trajectory: number[][][];
}

export interface Reference {
  torch: string;
  init: NestedArray[];
  steps: number;
  optimizers: OptimizerCase[];
  clip: {
    grads: NestedArray[];
    norm: { normType: number | 'Infinity'; maxNorm: number; totalNorm: number; grads: number[][] }[];
    value: { clipValue: number; grads: number[][] };
  };
  schedulers: { name: string; options: Record<string, number | string>; lrs: number[][] }[];
}

// Tests run from dist/test/optim/; the JSON stays in the source tree.
export const reference: Reference = JSON.parse(
  readFileSync(new URL('../../../test/optim/reference/trajectories.json', import.meta.url), 'utf8'),
);

/** Fresh parameters p0 [2, 3], p1 [4], p2 [2] at the reference's initial values. */
export function makeParams(dtype: DType = 'float64'): Tensor[] {
  return reference.init.map((v) => tensor(v, undefined, { dtype, requiresGrad: true }));
}

/**
 * Sets p0.grad and p1.grad to the gradient of f(x) = Σ_{i<9} (1 − x_i)² + 10 (x_{i+1} − x_i²)²,
 * x = [p0, p1] flattened; p2 is not in f, so its grad stays null.
 *   ∂f/∂x_i = −2 (1 − x_i) − 40 x_i (x_{i+1} − x_i²)   (i < 9)   + 20 (x_i − x_{i−1}²)   (i > 0)
 */
export function setRosenbrockGrads(params: Tensor[]): void {
  const [p0, p1] = params;
  const x = [...p0.data, ...p1.data];
  const n = x.length;
  const g = new Array<number>(n).fill(0);
  for (let i = 0; i < n - 1; i++) {
    const r = x[i + 1] - x[i] * x[i];
    g[i] += -2 * (1 - x[i]) - 40 * x[i] * r;
    g[i + 1] += 20 * r;
  }
  p0.grad = tensor(g.slice(0, p0.size), p0.shape, { dtype: p0.dtype });
  p1.grad = tensor(g.slice(p0.size), p1.shape, { dtype: p1.dtype });
}

const CLASSES = { SGD, Adam, AdamW, RMSprop, Adagrad } as const;

/** Builds the optimizer of a reference case over `params` (with its groups, if any). */
export function makeOptimizer(c: Pick<OptimizerCase, 'optimizer' | 'options' | 'groups'>, params: Tensor[]): Optimizer<BaseHyperParams> {
  const Cls = CLASSES[c.optimizer] as unknown as new (p: unknown, o: unknown) => Optimizer<BaseHyperParams>;
  const input = c.groups ? c.groups.map((g) => ({ ...g, params: g.params.map((i) => params[i]) })) : params;
  return new Cls(input, c.options);
}

/** Runs `steps` steps of a case from step `from` (skipping the grads the case drops). */
export function runSteps(c: Pick<OptimizerCase, 'skip'>, opt: Optimizer<BaseHyperParams>, params: Tensor[], from: number, steps: number): void {
  for (let s = from; s < from + steps; s++) {
    opt.zeroGrad();
    setRosenbrockGrads(params);
    for (const [step, i] of c.skip ?? []) if (step === s) params[i].grad = null;
    opt.step();
  }
}

/** Largest |a − b| / (atol + rtol |b|) over two lists; <= 1 means within tolerance. */
export function worstError(a: ArrayLike<number>, b: ArrayLike<number>, rtol: number, atol: number): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const e = Math.abs(a[i] - b[i]) / (atol + rtol * Math.abs(b[i]));
    if (!(e <= worst)) worst = e;
  }
  return worst;
}
