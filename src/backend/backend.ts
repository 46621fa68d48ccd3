// The backend interface: every kernel a tensor operation reduces to, over Storages (../storage.ts)
// and never over Tensors, which this layer does not know. A backend reads and writes each Storage
// in its own memory (the reference: the host arrays; wasm: blocks of its linear memory), so a chain
// of kernels on one backend copies nothing between them. The pure TypeScript backend (./ref) is the
// living specification: every other backend must give its numbers to float32 rounding, and one test
// suite (test/backend) runs over all of them. setBackend() is the one switch between them.
//
// Conventions: sizes are element counts; an offset counts elements from the start of a storage;
// shapes are row-major; an output storage may be one of the inputs (in place) where a kernel says so.
// B = batch, T = time, H = hidden, V = rows of a table.

import type { Storage } from './storage.js';
import { refBackend } from './ref/ref_backend.js';
import { wasmBackend } from './wasm/wasm_backend.js';
import { wasmModule } from './wasm/module.js';
import type { AdamStep, SgdStep } from './ref/optim.js';
import type { BinaryOp, UnaryOp } from './ref/pointwise.js';

export type { BinaryOp, UnaryOp } from './ref/pointwise.js';
export type { AdamStep, SgdStep } from './ref/optim.js';

/**
 * Where one direction of a recurrent layer keeps its hidden states: a packed buffer of blocks of
 * B·H, h_prev of step t at block `prev + t` and h_t at block `seq + t` (forward: prev = 0, seq = 1;
 * reverse: seq = 0, prev = 1), so that both runs of T blocks are contiguous and in time order.
 */
export interface SequenceLayout {
  readonly T: number;
  readonly B: number;
  readonly H: number;
  /** Steps run t = T−1 … 0. */
  readonly reverse: boolean;
  readonly prev: number;
  readonly seq: number;
}

/** A time loop's x-side pre-activations as rows of a table: row r (= t·B + b) is table[ids[r]], table [V, G]. */
export interface TableRows {
  readonly table: Storage;
  readonly ids: Int32Array;
}

/** The non-linearity of the fused vanilla RNN kernels. */
export type RnnActivation = 'tanh' | 'relu' | 'modrelu';

export interface Backend {
  readonly name: string;
  /**
   * Whether values a kernel writes come back to JS only through an awaited read (WebGPU): ops then
   * keep their reductions on the device instead of finishing them on the host, and the training
   * loop awaits its loss before reading it (see ./webgpu/webgpu_backend.ts).
   */
  readonly asyncReadback?: boolean;
  /**
   * C[M, N] = (accumulate ? C : 0) + op(A)[M, K] · op(B)[K, N], each matrix row-major from its offset:
   * A stored [M, K] (or [K, M] when transA), B stored [K, N] (or [N, K] when transB).
   */
  gemm(
    transA: boolean, transB: boolean, M: number, N: number, K: number,
    A: Storage, aOff: number, B: Storage, bOff: number, C: Storage, cOff: number, accumulate: boolean,
  ): void;
  /** out = op(x), element-wise (out may be x). */
  unary(op: UnaryOp, x: Storage, out: Storage): void;
  /** gx = g ⊙ op'(x), given the input x and the output y = op(x) (each op reads whichever it needs). */
  unaryBackward(op: UnaryOp, x: Storage, y: Storage, g: Storage, gx: Storage): void;
  /** out = x ** p for a constant p. */
  powScalar(x: Storage, p: number, out: Storage): void;
  /** out = a·x + b for constants a, b (out may be x). */
  affineScalar(x: Storage, a: number, b: number, out: Storage): void;
  /** out = a ⊙ b with NumPy broadcasting; outShape is the broadcast of both shapes (out may be a or b when it has their shape). */
  binary(op: BinaryOp, a: Storage, aShape: readonly number[], b: Storage, bShape: readonly number[], out: Storage, outShape: readonly number[]): void;
  /** Sums x [shape] into out [outShape] along the axes outShape broadcasts (the adjoint of broadcasting); out is overwritten. */
  sumTo(x: Storage, shape: readonly number[], out: Storage, outShape: readonly number[]): void;
  /** out[j] (+)= Σ_r x[r, j] for x [rows, n] (a bias gradient); accumulate adds to out. */
  colSums(x: Storage, rows: number, n: number, out: Storage, accumulate: boolean): void;
  /** Σ_i x[i]², accumulated in float64 (the squared 2-norm). */
  sumSquares(x: Storage): number;
  /** out[outOff] = Σ_i x[i]² on the device (float32): the form of sumSquares for asyncReadback backends. */
  sumSquaresTo?(x: Storage, out: Storage, outOff: number): void;
  /** Maximum along the middle axis of x viewed as [outer, size, inner]: values to out, positions to arg [outer·inner]. */
  maxAxis(x: Storage, outer: number, size: number, inner: number, out: Storage, arg: Int32Array): void;
  /**
   * maxAxis with the positions in a storage (as float32 values) instead of a JS array: the form for
   * asyncReadback backends, whose positions never come back to JS.
   */
  maxAxisTo?(x: Storage, outer: number, size: number, inner: number, out: Storage, pos: Storage): void;
  /** The gradient of maxAxisTo: gx [outer, size, inner] = g [outer, inner] at each position in pos, 0 elsewhere. */
  maxAxisBackward?(g: Storage, pos: Storage, outer: number, size: number, inner: number, gx: Storage): void;
  /** out[r, :] = softmax(x[r, :]) (log: log-softmax) for rows of length n. */
  softmaxRows(x: Storage, rows: number, n: number, out: Storage, log: boolean): void;
  /** out = x with its axes reordered: out axis i is x axis perm[i]. */
  permute(x: Storage, shape: readonly number[], perm: readonly number[], out: Storage): void;
  /**
   * dst[dstOff + r·dstStride + i] = src[srcOff + r·srcStride + i] for r < rows, i < n: one run of n
   * by default (the ranges may then overlap when src is dst), or a block of rows in one call, as
   * slices and concatenations along inner axes need (src and dst then different storages).
   */
  copy(src: Storage, srcOff: number, dst: Storage, dstOff: number, n: number, rows?: number, srcStride?: number, dstStride?: number): void;
  /** dst[dstOff + i] += src[srcOff + i] for i < n. */
  addInto(src: Storage, srcOff: number, dst: Storage, dstOff: number, n: number): void;
  /** x[off + i] = value for i < n. */
  fill(x: Storage, value: number, off: number, n: number): void;
  /** out[i, :] = table[index[i], :]. table [V, width], index [n] (each in [0, V)), out [n, width]. */
  gatherRows(table: Storage, width: number, index: Int32Array, out: Storage): void;
  /** table[index[i], :] += src[i, :] (repeated indices accumulate). src [n, width], index [n], table [V, width]. */
  scatterAddRows(src: Storage, width: number, index: Int32Array, table: Storage): void;
  /**
   * Softmax cross-entropy forward: logp[i, :] = log softmax(x[i, :]) and nll[i] = −logp[i, t_i], or 0
   * where t_i < 0 (a dropped row). x, logp [N, C]; targets, nll [N]; kept targets in [0, C).
   */
  crossEntropyForward(x: Storage, N: number, C: number, targets: Int32Array, logp: Storage, nll: Storage): void;
  /**
   * Softmax cross-entropy backward: gx[i, :] = exp(logp[i, :])·scale[i] − scale[i]·onehot(t_i), zeros
   * where t_i < 0. logp, gx [N, C]; targets, scale [N] (scale: the row's weight times the upstream
   * gradient of its loss).
   */
  crossEntropyBackward(logp: Storage, N: number, C: number, targets: Int32Array, scale: Float64Array, gx: Storage): void;
  /**
   * One Adam/AdamW update (torch.optim's order of operations, see ./ref/optim.ts) of one parameter, in
   * place: p, g, m (exp_avg), v (exp_avg_sq), vMax (max_exp_avg_sq, or null without amsgrad) all [n].
   */
  adamUpdate(p: Storage, g: Storage, m: Storage, v: Storage, vMax: Storage | null, h: AdamStep): void;
  /**
   * One SGD update (torch.optim.SGD, see ./ref/optim.ts) of one parameter, in place: p, g and buf
   * (momentum_buffer, or null when momentum is 0) all [n].
   */
  sgdUpdate(p: Storage, g: Storage, buf: Storage | null, h: SgdStep): void;

  // Recurrent time loops (the specification: ./ref/recurrent.ts, with every buffer's layout). The
  // input projections, weight gradients and bias sums around them are the kernels above.
  // lens: valid steps per batch row (1..T), or null for all T.

  // rows (forward): the x-side pre-activations are rows of a table, z[r] = table[ids[r]] for the T·B
  // rows r (an embedding folded into the input projection); z's contents on entry are then unused.
  // A backend may gather each step's rows as it runs the steps, while they are wanted.

  /** LSTM over a sequence: z [T·B, 4H] pre-activations in, gate activations out; hs, c [(T+1)·B, H] packed; tc [T·B, H] tanh(c_t) out; whh [4H, H]. */
  lstmForward(L: SequenceLayout, z: Storage, hs: Storage, c: Storage, tc: Storage, whh: Storage, lens: Int32Array | null, rows?: TableRows | null): void;
  /** Its backward: g [(T+2)·B, H] (h blocks, then c_final); out dz [T·B, 4H], dh, dc [B, H] (dL/dh_init when needH0, dL/dc_init). */
  lstmBackward(
    L: SequenceLayout, needH0: boolean, z: Storage, hs: Storage, c: Storage, tc: Storage, g: Storage,
    dz: Storage, dh: Storage, dc: Storage, whh: Storage, lens: Int32Array | null,
  ): void;
  /** GRU (reset-after) over a sequence: zx [T·B, 3H] x-side pre-activations in, r | z | n out; hn [T·B, H] out; hs packed; bhh [3H]; whh [3H, H]. */
  gruForward(L: SequenceLayout, zx: Storage, hn: Storage, hs: Storage, bhh: Storage, whh: Storage, lens: Int32Array | null, rows?: TableRows | null): void;
  /** Its backward: g [(T+1)·B, H]; out dgx, dgh [T·B, 3H] and dh [B, H] (dL/dh_init when needH0). */
  gruBackward(
    L: SequenceLayout, needH0: boolean, zx: Storage, hn: Storage, hs: Storage, g: Storage,
    dgx: Storage, dgh: Storage, dh: Storage, whh: Storage, lens: Int32Array | null,
  ): void;
  /**
   * Vanilla RNN over a sequence, in place: hs's sequence blocks hold pre-activations z in, h_t = f(z) out;
   * whh [H, H]; f = tanh, relu, or modReLU(z, b) = sign(z)·max(|z| + b, 0) with b = modBias [H] (null otherwise).
   */
  rnnForward(L: SequenceLayout, act: RnnActivation, hs: Storage, whh: Storage, lens: Int32Array | null, modBias: Storage | null): void;
  /** Its backward: g [(T+1)·B, H]; out dz [T·B, H] and dh [B, H] (dL/dh_init when needH0). f' comes from h_t alone (modReLU: [h ≠ 0]). */
  rnnBackward(L: SequenceLayout, needH0: boolean, act: RnnActivation, hs: Storage, g: Storage, dz: Storage, dh: Storage, whh: Storage, lens: Int32Array | null): void;
  /**
   * One LSTM step without a graph (sampling): z [B, 4H] summed pre-activations at zOff, overwritten
   * with the gates; c [B, H] = f ⊙ cPrev + i ⊙ g and h [B, H] = o ⊙ tanh(c), at their offsets (c may be cPrev).
   */
  lstmCell(B: number, H: number, z: Storage, zOff: number, cPrev: Storage, cpOff: number, c: Storage, cOff: number, h: Storage, hOff: number): void;
}

export { refBackend } from './ref/ref_backend.js';
export { wasmBackend } from './wasm/wasm_backend.js';

// wasm where the engine has SIMD; UNFOLD_BACKEND=ref (Node) forces the reference.
function defaultBackend(): Backend {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  const choice = env?.UNFOLD_BACKEND ?? '';
  if (choice !== '' && choice !== 'ref' && choice !== 'wasm') {
    throw new Error(`UNFOLD_BACKEND: expected 'ref' or 'wasm', got '${choice}'`);
  }
  return choice !== 'ref' && wasmModule() !== null ? wasmBackend : refBackend;
}

let current: Backend | null = null;

/** The backend that tensor operations currently run on. */
export function getBackend(): Backend {
  return (current ??= defaultBackend());
}

/** Installs a backend for all later operations (tensors made on another keep their values: each backend brings them into its memory on first use). */
export function setBackend(backend: Backend): void { current = backend; }
