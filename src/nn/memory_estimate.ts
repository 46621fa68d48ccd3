// What a training run will hold in memory, estimated from its settings before anything is allocated,
// and the one refusal past a limit. Without it `--hidden 30000` or a corpus of a million distinct
// characters starts allocating gigabytes and dies (or swaps) minutes later with a V8 message; with
// it the run is refused at once, the estimate and the way out in the message.
//
// The estimate counts what dominates: the parameters (weights, gradients and Adam's two moments) and
// the activations backpropagation through time keeps (per step, layer and direction, the cell's gate
// values and a few state-sized vectors of each sequence in the batch). Both are scaled by what the
// process was measured to hold for them, since a float32 value lives both as a host copy and in the
// backend's memory, and the backward pass makes temporaries of the same sizes: peak RSS of 2-step
// `unfold train` runs (wasm backend; hidden 1024 to 3072, and batch × length up to 65,536 with
// LSTM, GRU and tanh cells) came to about 16 float32 copies per parameter and 3.5 per activation
// value. "About" means within a factor of 1.5 of what the process holds, which is what a guard
// against typos and runaway sizes needs.

/** Bytes in a gibibyte. */
export const GiB = 1024 ** 3;

/** The memory a run may need unless raised (--max-memory, or `maxMemory` in the library). */
export const DEFAULT_MAX_MEMORY = 4 * GiB;

/** The highest limit --max-memory takes (1 PiB): past it no machine has the memory. */
export const MAX_MEMORY_LIMIT = 1024 * 1024 * GiB;

/** Bytes of one float32 value. */
const F32 = 4;

/** Float32 copies a parameter costs in training: weights, gradient, two moments, host and backend copies, temporaries. */
const PARAMETER_COPIES = 16;

/** Float32 copies an activation value costs: host and backend copies, and its gradient in the backward pass. */
const ACTIVATION_COPIES = 3.5;

/** A run's estimated memory: the total and the parts the refusal names. */
export interface MemoryEstimate {
  /** Bytes in all. */
  bytes: number;
  /** What makes it up, for the message: "model 1.2 GiB × 4 for weights, gradients and Adam's moments", … */
  parts: string[];
}

/** Gate blocks per step of each recurrent cell (PyTorch's layouts): 1 for rnn, 3 for gru, 4 for lstm. */
export function gatesOf(cell: 'rnn' | 'lstm' | 'gru'): number {
  return cell === 'lstm' ? 4 : cell === 'gru' ? 3 : 1;
}

/** Shape of a recurrent stack, as nn.RNN / LSTM / GRU take it. */
export interface RecurrentShape {
  cell: 'rnn' | 'lstm' | 'gru';
  inputSize: number;
  hiddenSize: number;
  numLayers?: number;
  bidirectional?: boolean;
}

/**
 * Parameters of a recurrent stack with biases, exactly: per layer and direction, weight_ih
 * [G·H, in], weight_hh [G·H, H] and two biases [G·H], where in is inputSize for the first layer and
 * D·H after it.
 */
export function recurrentParameterCount(r: RecurrentShape): number {
  const G = gatesOf(r.cell), H = r.hiddenSize, D = r.bidirectional ? 2 : 1, L = r.numLayers ?? 1;
  return D * G * H * (r.inputSize + H + 2) + (L - 1) * D * G * H * (D * H + H + 2);
}

/**
 * Bytes that `values` float32 activations cost in training (kept for the backward pass, which makes
 * their gradients).
 */
export function activationBytes(values: number): number {
  return values * F32 * ACTIVATION_COPIES;
}

/**
 * Bytes of the activations BPTT keeps for `batch` sequences of `length` steps through a recurrent
 * stack: per step, layer and direction, the G gate values and three state-sized vectors (h, c or the
 * candidate, and the cell's nonlinearity).
 */
export function recurrentActivationBytes(r: RecurrentShape, batch: number, length: number): number {
  const G = gatesOf(r.cell), D = r.bidirectional ? 2 : 1, L = r.numLayers ?? 1;
  return activationBytes(batch * length * L * D * r.hiddenSize * (G + 3));
}

/**
 * Bytes of the logits of `rows` predictions over `classes`, as a softmax cross-entropy keeps them:
 * the logits and the probabilities.
 */
export function logitBytes(rows: number, classes: number): number {
  return activationBytes(rows * classes * 2);
}

/**
 * A run trained with Adam: `parameters` float32 weights (PARAMETER_COPIES of each), plus
 * `activations` bytes and any `extra` parts (data, caches) as [what, bytes].
 */
export function adamTrainingMemory(parameters: number, activations: number, extra: ReadonlyArray<readonly [string, number]> = []): MemoryEstimate {
  const model = parameters * F32;
  const parts = [`model ${formatBytes(model)} × ${PARAMETER_COPIES} for weights, gradients, Adam's moments and their working copies`,
    `activations ${formatBytes(activations)}`];
  let bytes = PARAMETER_COPIES * model + activations;
  for (const [what, b] of extra) { parts.push(`${what} ${formatBytes(b)}`); bytes += b; }
  return { bytes, parts };
}

/** '14.2 GiB', '512 MiB', '3 KiB', '12 bytes'; past 1024 EiB, '1.5e+24 bytes'. */
export function formatBytes(n: number): string {
  const units = ['KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];
  if (!(n >= 1024)) return `${Math.max(0, Math.round(n))} bytes`;
  if (n >= 1024 ** 7) return `${n.toExponential(1)} bytes`;
  let v = n / 1024, u = 0;
  while (v >= 1024 && u < units.length - 1) { v /= 1024; u++; }
  const digits = v >= 100 ? v.toFixed(0) : v.toFixed(1).replace(/\.0$/, '');
  return `${digits} ${units[u]}`;
}

/**
 * Throws when `estimate` is over `limit` bytes, with the estimate, its parts, the limit, the
 * --max-memory value that would let it run, and `remedy` (default: make the model smaller).
 */
export function checkMemory(estimate: MemoryEstimate, limit: number = DEFAULT_MAX_MEMORY, remedy = 'make the model smaller'): void {
  if (!(limit > 0)) throw new Error(`expected a memory limit > 0 bytes, got ${limit}`);
  if (estimate.bytes <= limit) return;
  const raise = estimate.bytes <= MAX_MEMORY_LIMIT ? `raise it with --max-memory ${Math.ceil(estimate.bytes / GiB)}G or ${remedy}` : remedy;
  throw new Error(`this run needs about ${formatBytes(estimate.bytes)} (${estimate.parts.join(' + ')}); the limit is ${formatBytes(limit)}: ${raise}`);
}
