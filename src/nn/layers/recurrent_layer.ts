// What RNN, LSTM and GRU share: a stack of layers, each one or two directions of a cell, run over a
// whole sequence, with dropout between layers, optional initial states, batch-first layout,
// variable lengths (padded steps skipped), the in-loop regularizers (variational dropout, zoneout)
// and weight drop (DropConnect on W_hh, one mask per forward call; ./weight_drop.ts).
// Parameters carry PyTorch's names (weight_ih_l0, …, _reverse) so state dicts interchange.
// A direction runs as one fused whole-sequence op (../fused) when useFused() says so, else by
// runCell() over the cell's steps: the generic path, kept as the reference (`fused: false` or
// setFusedRecurrent(false)).

import { Tensor } from '../../tensor/tensor.js';
import { formatShape } from '../../tensor/shape.js';
import { broadcastTo, concat, reshape, select, stack, transpose } from '../../autograd/ops/shape_ops.js';
import { Module } from '../module.js';
import { checkRecurrentInit, type RecurrentInit } from '../init.js';
import { zeros } from '../../tensor/tensor.js';
import type { CellBase, Carry } from '../cells/cell.js';
import { dropout } from './dropout.js';
import { dropRecurrentWeight } from './weight_drop.js';
import { regularizationActive, resolveRegularization, runCell, type RecurrentRegularization } from './run_cell.js';
import { StepMask, type SequenceOptions } from './step_mask.js';
import { checkRate } from './zoneout.js';
import { foldInputProjection, fusedRecurrentEnabled, hasFusedKernel, runFused } from '../fused/route.js';
import { embedding, embeddingSource, type IndexTensor } from '../../autograd/ops/gather.js';
import { WorkspacePool } from '../../autograd/recurrent/workspace_pool.js';
import type { Rng } from '../../tensor/random.js';
import type { SequenceModule, SequenceResult } from '../wrappers/sequence_module.js';

/** Options common to RNN, LSTM and GRU, with PyTorch's names and defaults. */
export interface RecurrentLayerConfig extends RecurrentRegularization {
  inputSize: number;
  hiddenSize: number;
  /** Stacked layers (default 1). */
  numLayers?: number;
  /** Learn biases (default true). */
  bias?: boolean;
  /** Input and output are [B, T, F] instead of [T, B, F] (default false). */
  batchFirst?: boolean;
  /** Dropout probability on the outputs of every layer but the last, in training (default 0). */
  dropout?: number;
  /** Run a second direction backward in time and concatenate (default false). */
  bidirectional?: boolean;
  /** How every weight_hh starts: 'uniform' (default), 'orthogonal' or 'identity' (IRNN); see RecurrentInit. */
  recurrentInit?: RecurrentInit;
  /**
   * Learn the initial state (default false: zeros): a parameter per layer and direction,
   * h0_l{k}[_reverse] [H] (and c0_l{k}[_reverse] for the LSTM), starting at zero and broadcast over
   * the batch, used whenever forward gets no initial state.
   */
  learnInitialState?: boolean;
  /**
   * Run each direction as one fused whole-sequence op where the cell has one (default true); false
   * keeps the generic per-step autograd path, the reference. setFusedRecurrent(false) overrides.
   */
  fused?: boolean;
  /**
   * Weight drop (AWD-LSTM): in training, each entry of every W_hh is zeroed with this probability
   * (survivors scaled by 1/(1−p)) by one mask per layer and direction per forward call, shared by
   * every time step and batch row (default 0). Applied to the weight before the fused kernel runs,
   * so the fused path stays available.
   */
  weightDrop?: number;
}

export type ResolvedLayerConfig = Required<RecurrentLayerConfig>;

export function resolveLayerConfig(config: RecurrentLayerConfig): ResolvedLayerConfig {
  // An option given as undefined means "the default", as in Keras and PyTorch keyword arguments.
  const given = Object.fromEntries(Object.entries(config).filter(([, v]) => v !== undefined)) as RecurrentLayerConfig;
  const c = {
    numLayers: 1, bias: true, batchFirst: false, dropout: 0, bidirectional: false, fused: true, recurrentInit: 'uniform' as const,
    learnInitialState: false, weightDrop: 0, ...given, ...resolveRegularization(given),
  };
  checkRecurrentInit(c.recurrentInit);
  checkRate('weightDrop', c.weightDrop);
  if (!(Number.isInteger(c.numLayers) && c.numLayers >= 1)) throw new Error(`expected numLayers >= 1, got ${c.numLayers}`);
  if (!(c.dropout >= 0 && c.dropout < 1)) throw new Error(`expected dropout in [0, 1), got ${c.dropout}`);
  return c;
}

/**
 * The base of RNN, LSTM and GRU. `run` takes x [T, B, I] ([B, T, I] batchFirst, [T, I] unbatched),
 * optional initial states and SequenceOptions (lengths or mask); see the subclasses for equations.
 *
 * Variable lengths follow PyTorch's packed sequences: with lengths, step t of row b is real when
 * t < lengths[b]; padded steps leave the state unchanged and output 0, the reverse direction of
 * each row starts at its own t = lengths[b] − 1, the final state of each row is the one after its
 * own last real step, and padded inputs get zero gradient.
 */
export abstract class RecurrentLayer extends Module implements SequenceModule {
  readonly config: ResolvedLayerConfig;
  /** cells[layer][direction]. */
  readonly cells: CellBase[][] = [];
  /** Generator for dropout and zoneout masks (default: the global one). */
  rng?: Rng;
  /** Workspaces of the fused ops, reused from one forward/backward to the next of the same sizes. */
  readonly workspaces = new WorkspacePool();
  /** learned[layer·D + direction]: the learned initial carry [H] per carry entry (learnInitialState), else null. */
  readonly learned: Tensor[][] | null;

  protected constructor(config: RecurrentLayerConfig, makeCell: (inputSize: number) => CellBase) {
    super();
    this.config = resolveLayerConfig(config);
    const { numLayers, hiddenSize, inputSize } = this.config;
    const D = this.numDirections;
    for (let l = 0; l < numLayers; l++) {
      const row: CellBase[] = [];
      for (let d = 0; d < D; d++) {
        const cell = makeCell(l === 0 ? inputSize : hiddenSize * D);
        const sfx = `_l${l}${d === 1 ? '_reverse' : ''}`;
        this.registerParameter(`weight_ih${sfx}`, cell.weight_ih);
        this.registerParameter(`weight_hh${sfx}`, cell.weight_hh);
        if (cell.bias_ih && cell.bias_hh) {
          this.registerParameter(`bias_ih${sfx}`, cell.bias_ih);
          this.registerParameter(`bias_hh${sfx}`, cell.bias_hh);
        }
        row.push(cell);
      }
      this.cells.push(row);
    }
    // After every weight, so that the state dict of a layer without them is unchanged.
    this.learned = !this.config.learnInitialState ? null : Array.from({ length: numLayers * D }, (_, k) => {
      const sfx = `_l${Math.floor(k / D)}${k % D === 1 ? '_reverse' : ''}`;
      return ['h0', 'c0'].slice(0, this.cells[0][0].carrySize).map((n) => this.registerParameter(`${n}${sfx}`, zeros([hiddenSize], { dtype: this.cells[0][0].dtype })));
    });
    if (this.config.zoneoutCell > 0 && this.cells[0][0].carrySize < 2) {
      throw new Error(`expected zoneoutCell 0 for a layer without a cell state, got ${this.config.zoneoutCell}`);
    }
  }

  get numDirections(): number { return this.config.bidirectional ? 2 : 1; }

  /** The options every layer has, resolved (for the subclasses' getConfig). */
  protected layerConfig(): ResolvedLayerConfig {
    const c = this.config;
    return {
      inputSize: c.inputSize, hiddenSize: c.hiddenSize, numLayers: c.numLayers, bias: c.bias, batchFirst: c.batchFirst,
      dropout: c.dropout, bidirectional: c.bidirectional, fused: c.fused, inputDropout: c.inputDropout,
      recurrentDropout: c.recurrentDropout, zoneoutHidden: c.zoneoutHidden, zoneoutCell: c.zoneoutCell,
      recurrentInit: c.recurrentInit, learnInitialState: c.learnInitialState, weightDrop: c.weightDrop,
    };
  }

  /** How many state tensors the layer carries (h; h and c for the LSTM), each [numLayers·D, B, H]. */
  abstract get carrySize(): number;

  get inputSize(): number { return this.config.inputSize; }

  /** D·H: the size of each output step. */
  get outputSize(): number { return this.numDirections * this.config.hiddenSize; }

  /**
   * Where a direction's path is chosen: the fused whole-sequence op only when the layer and the
   * global switch allow it, the real steps of every row are a prefix (per-row lengths, which the
   * fused ops take; a mask with holes needs the generic loop) and no in-loop regularizer is active. The cell must also have a fused kernel (runFused checks).
   */
  protected useFused(steps: StepMask | null): boolean {
    return this.config.fused && fusedRecurrentEnabled() && (steps === null || steps.lengths !== null)
      && !regularizationActive(this.config, this.training);
  }

  /**
   * Runs the stack. x: [T, B, I] ([B, T, I] when batchFirst) or unbatched [T, I]; initial: one tensor
   * per carry entry, each [numLayers·D, B, H] (or [numLayers·D, H] unbatched); options: lengths (B
   * entries in [1, T]) or a 0/1 mask ([T, B], batchFirst [B, T]).
   * Returns the last layer's outputs [T, B, D·H] and the final carries, each [numLayers·D, B, H].
   */
  protected run(x: Tensor, initial: Tensor[] | null, options?: SequenceOptions): [Tensor, Tensor[]] {
    // An input that is an embedding lookup gets the first layer's input projection folded into the
    // table (see runEmbedded): the same numbers to float32 rounding, a third fewer flops for a
    // char-model LSTM. Skipped when the caller asked for the lookup's own gradient (retainGrad).
    const source = x.retainsGrad ? null : embeddingSource(x);
    if (source !== null) {
      const folded = this.runFolded(source.table, source.ids, initial, options);
      if (folded !== null) return folded;
    }
    return this.runPlain(x, initial, options);
  }

  private runPlain(x: Tensor, initial: Tensor[] | null, options?: SequenceOptions): [Tensor, Tensor[]] {
    const { inputSize, hiddenSize: H, numLayers, batchFirst } = this.config;
    const D = this.numDirections;
    const unbatched = x.rank === 2;
    if ((x.rank !== 3 && !unbatched) || x.shape[x.rank - 1] !== inputSize) {
      const want = unbatched ? `[L, ${inputSize}]` : batchFirst ? `[N, L, ${inputSize}]` : `[L, N, ${inputSize}]`;
      throw new Error(`expected input of shape ${want}, got ${formatShape(x.shape)}`);
    }
    const seq = unbatched ? reshape(x, [x.shape[0], 1, inputSize]) : batchFirst ? transpose(x, 0, 1) : x; // [T, B, I]
    if (seq.shape[0] === 0) throw new Error(`expected a sequence of length >= 1, got input of shape ${formatShape(x.shape)}`);
    const [T, B] = seq.shape;
    this.checkInitial(initial, unbatched ? null : B);
    const states = (initial ?? []).map((s) => (unbatched ? reshape(s, [s.shape[0], 1, H]) : s));
    const steps = StepMask.resolve(options, T, B, batchFirst && !unbatched);
    // Batch-first, the output handed back is the transpose's copy, so the last layer's buffer stays internal.
    const { output, carry } = this.runStack(seq, states.length > 0 ? states : null, steps && !steps.full ? steps : null, null, batchFirst && !unbatched);
    const out = unbatched ? reshape(output, [T, D * H]) : batchFirst ? transpose(output, 0, 1) : output;
    return [out, unbatched ? carry.map((s) => reshape(s, [numLayers * D, H])) : carry];
  }

  /**
   * run(embedding(table, ids), initial, options), with the first layer's input projection folded
   * into the table (foldInputProjection in ../fused/route.ts): table·W_ih_l0ᵀ + biases is made once,
   * [V, G·H], and the fused op reads its rows by id, so the first layer's input products cost V rows
   * instead of T·B, forward and backward, and no [T, B, G·H] tensor is ever held. Same outputs and
   * gradients up to float32 rounding.
   * ids: [T, B] ([B, T] when batchFirst) integers in [0, V); table: [V, inputSize].
   * Where the fold does not apply (generic path, bidirectional, unbatched ids, or V >= T·B where
   * it saves nothing) this is the plain composition.
   */
  protected runEmbedded(table: Tensor, ids: IndexTensor, initial: Tensor[] | null, options?: SequenceOptions): [Tensor, Tensor[]] {
    const { inputSize } = this.config;
    if (table.rank !== 2 || table.shape[1] !== inputSize) {
      throw new Error(`expected an embedding table of shape [V, ${inputSize}], got ${formatShape(table.shape)}`);
    }
    return this.runFolded(table, ids, initial, options) ?? this.runPlain(embedding(table, ids), initial, options);
  }

  // The fold of runEmbedded, or null where it does not apply (generic path, bidirectional, unbatched
  // ids, or V >= T·B where it saves nothing).
  private runFolded(table: Tensor, ids: IndexTensor, initial: Tensor[] | null, options?: SequenceOptions): [Tensor, Tensor[]] | null {
    const { inputSize, batchFirst } = this.config;
    if (table.rank !== 2 || table.shape[1] !== inputSize || ids.shape.length !== 2 || this.numDirections !== 1) return null;
    const [T, B] = batchFirst ? [ids.shape[1], ids.shape[0]] : ids.shape;
    if (T === 0 || table.shape[0] >= T * B) return null;
    const steps = StepMask.resolve(options, T, B, batchFirst);
    const live = steps && !steps.full ? steps : null;
    if (!this.useFused(live)) return null;
    const V = table.shape[0];
    for (let i = 0; i < ids.data.length; i++) {
      const v = ids.data[i];
      if (!(v >= 0 && v < V)) throw new Error(`expected indices in [0, ${V}), got ${v} at position ${i}`);
    }
    if (!hasFusedKernel(this.cells[0][0])) return null;
    const P = foldInputProjection(this.cells[0][0], table)!; // [V, G·H]
    this.checkInitial(initial, B);
    // The first layer reads P's rows by id, [T, B] time-major, in the fused op itself.
    const { output, carry } = this.runStack(P, initial && initial.length > 0 ? initial : null, live, batchFirst ? transposeIds(ids) : ids, batchFirst);
    return [batchFirst ? transpose(output, 0, 1) : output, carry];
  }

  // Initial states: carrySize tensors [numLayers·D, B, H] ([numLayers·D, H] when B is null, unbatched).
  // Checked before any reshape, so that the message shows the shape the caller passed.
  private checkInitial(initial: Tensor[] | null, B: number | null): void {
    const { numLayers, hiddenSize: H } = this.config;
    const D = this.numDirections;
    if (initial && initial.length !== this.carrySize) {
      throw new Error(`expected ${this.carrySize} initial state tensor(s), got ${initial.length}`);
    }
    for (const s of initial ?? []) {
      const ok = B === null
        ? s.rank === 2 && s.shape[0] === numLayers * D && s.shape[1] === H
        : s.rank === 3 && s.shape[0] === numLayers * D && s.shape[1] === B && s.shape[2] === H;
      if (!ok) {
        const want = B === null ? `[${numLayers * D}, ${H}]` : `[${numLayers * D}, ${B}, ${H}]`;
        throw new Error(`expected initial state of shape ${want}, got ${formatShape(s.shape)}`);
      }
    }
  }

  /**
   * The stack on a time-major sequence (the SequenceModule form): seq [T, B, I], initial: carrySize
   * tensors [numLayers·D, B, H] or null, steps: real steps or null.
   */
  runSequence(seq: Tensor, initial: Carry | null, steps: StepMask | null): SequenceResult {
    const { inputSize } = this.config;
    if (seq.rank !== 3 || seq.shape[2] !== inputSize) throw new Error(`expected input of shape [L, N, ${inputSize}], got ${formatShape(seq.shape)}`);
    this.checkInitial(initial, seq.shape[1]);
    return this.runStack(seq, initial, steps && !steps.full ? steps : null, null, false);
  }

  // seq [T, B, I]; or, with projectedIds [T, B], the first layer's table of projected input rows
  // [V, G·H] (see runEmbedded), which only the fused path takes (runEmbedded checks it is taken).
  // lastInternal: the caller hands on only a copy of the last layer's output (see
  // SequenceOptions.internal); every other layer's output is read only by the next layer, or copied
  // by dropout and a bidirectional concat, and the carries are copied by stack.
  private runStack(seq: Tensor, initial: Carry | null, live: StepMask | null, projectedIds: IndexTensor | null, lastInternal: boolean): SequenceResult {
    const { numLayers } = this.config;
    const D = this.numDirections, B = projectedIds ? projectedIds.shape[1] : seq.shape[1];
    const fused = this.useFused(live);
    const finals: Carry[] = [];
    for (let l = 0; l < numLayers; l++) {
      const outs: Tensor[] = [];
      for (let d = 0; d < D; d++) {
        const cell = this.training ? dropRecurrentWeight(this.cells[l][d], this.config.weightDrop, this.rng) : this.cells[l][d];
        const given = initial ? initial.map((s) => select(s, 0, l * D + d))
          : this.learned ? this.learned[l * D + d].map((s) => broadcastTo(s, [B, s.shape[0]])) : null;
        const internal = l < numLayers - 1 || D === 2 || lastInternal;
        const res = (fused ? runFused(cell, seq, given, d === 1, this.workspaces, live?.lengths ?? null, l === 0 ? projectedIds : null, internal) : null)
          ?? runCell(cell, seq, given ?? cell.initCarry(B), {
            reverse: d === 1, steps: live, regularization: this.config, training: this.training, rng: this.rng,
          });
        outs.push(res.output);
        finals.push(res.carry);
      }
      seq = D === 2 ? concat(outs, 2) : outs[0];
      if (l < numLayers - 1) seq = dropout(seq, this.config.dropout, this.training, this.rng);
    }
    const carry = Array.from({ length: this.carrySize }, (_, j) => stack(finals.map((c) => c[j]), 0));
    return { output: seq, carry };
  }
}

// ids [B, T] → [T, B] (batch-first token ids to time-major).
function transposeIds(ids: IndexTensor): IndexTensor {
  const [B, T] = ids.shape;
  const out = new Int32Array(B * T);
  for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) out[t * B + b] = ids.data[b * T + t];
  return { data: out, shape: [T, B] };
}
