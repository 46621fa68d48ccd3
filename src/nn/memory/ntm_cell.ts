// The neural Turing machine (Graves et al. 2014; Goodfellow et al. §10.12) as a recurrent cell: a
// controller (any unfold cell) that reads x_t and the previous read vectors, an N×M memory, and read
// and write heads that address it by content and by location. Run it with Recurrence like any
// cell; its carry holds the memory and the heads' weightings, so that variable lengths, reversal and
// the carry across truncated-BPTT chunks work unchanged. Differentiable end to end.

import { Tensor, zeros } from '../../tensor/tensor.js';
import { formatShape } from '../../tensor/shape.js';
import { broadcastTo, concat, reshape, slice } from '../../autograd/ops/shape_ops.js';
import { Module } from '../module.js';
import { uniformInit, type InitOptions } from '../init.js';
import type { Carry, RecurrentCell } from '../cells/cell.js';
import { registerClass, type ModuleSpec } from '../registry.js';
import { cellFromConfig, serializePart } from '../wrappers/wrapper_parts.js';
import { NTMHead } from './ntm_head.js';
import { readMemory, writeMemory } from './addressing.js';

export interface NTMCellConfig {
  /** I: features of x_t. The controller must take I + readHeads·memoryWidth inputs. */
  inputSize: number;
  /** N: memory rows. */
  memorySize: number;
  /** M: the width of a row. */
  memoryWidth: number;
  /** R: read heads (default 1). */
  readHeads?: number;
  /** Write heads (default 1). */
  writeHeads?: number;
  /** Every head shifts its focus by at most this many rows per step (default 1: shifts −1, 0, 1). */
  maxShift?: number;
}

/**
 * One step, with controller output size H_c, memory M_{t−1} [N, M], previous read vectors r_{t−1}:
 *   (h_t, ctrl_t) = controller([x_t, r_{t−1}], ctrl_{t−1})
 *   for each write head: w = address(M, w_prev, head(h_t)),  M ← M ⊙ (1 − w eᵀ) + w aᵀ
 *   for each read head:  w = address(M, w_prev, head(h_t)),  r = wᵀ M   (M after this step's writes)
 *   y_t = [h_t, r_t^1, …, r_t^R]
 * (address: content by cosine similarity and key strength, interpolation with the previous
 * weighting, circular shift, sharpening; see ./addressing.ts).
 *
 * Carry: [y [B, H_c + R·M], …the controller's carry, memory [B, N·M], read weightings [B, R·N],
 *         write weightings [B, W·N]]. initCarry starts from the learned memory0, zero read vectors
 *         and every head focused on row 0.
 * Inputs of step(): x [B, I] (projectInput is the identity: the controller reads x with r_{t−1}).
 * Outputs: y_t = carry[0], [B, hiddenSize] with hiddenSize = H_c + R·M.
 * Parameters: memory0 [N, M] (U(−1/√(N+M), 1/√(N+M))), controller.*, read_heads.{i}.weight/bias,
 *             write_heads.{j}.weight/bias.
 */
export class NTMCell extends Module implements RecurrentCell {
  readonly controller: Module & RecurrentCell;
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly carrySize: number;
  readonly memorySize: number;
  readonly memoryWidth: number;
  readonly maxShift: number;
  readonly readHeads: NTMHead[];
  readonly writeHeads: NTMHead[];
  readonly memory0: Tensor;

  constructor(controller: Module & RecurrentCell, config: NTMCellConfig, init: InitOptions = {}) {
    super();
    const { inputSize: I, memorySize: N, memoryWidth: M } = config;
    const R = config.readHeads ?? 1, W = config.writeHeads ?? 1;
    this.maxShift = config.maxShift ?? 1;
    for (const [name, v, min] of [['inputSize', I, 1], ['memorySize', N, 1], ['memoryWidth', M, 1], ['readHeads', R, 1], ['writeHeads', W, 1], ['maxShift', this.maxShift, 0]] as const) {
      if (!(Number.isInteger(v) && v >= min)) throw new Error(`NTMCell: expected ${name} to be an integer >= ${min}, got ${v}`);
    }
    if (2 * this.maxShift + 1 > N) throw new Error(`NTMCell: expected 2·maxShift + 1 <= memorySize, got maxShift ${this.maxShift} for ${N} rows`);
    if (controller.inputSize !== I + R * M) {
      throw new Error(`NTMCell: expected a controller with inputSize ${I + R * M} (inputSize ${I} + readHeads ${R} × memoryWidth ${M}), got ${controller.inputSize}`);
    }
    this.controller = this.registerModule('controller', controller);
    this.inputSize = I;
    this.memorySize = N;
    this.memoryWidth = M;
    this.hiddenSize = controller.hiddenSize + R * M;
    this.carrySize = 1 + controller.carrySize + 3;
    const head = (mode: 'read' | 'write', k: number): NTMHead =>
      this.registerModule(`${mode}_heads.${k}`, new NTMHead({ inputSize: controller.hiddenSize, memoryWidth: M, mode, maxShift: this.maxShift }, init));
    this.readHeads = Array.from({ length: R }, (_, k) => head('read', k));
    this.writeHeads = Array.from({ length: W }, (_, k) => head('write', k));
    this.memory0 = this.registerParameter('memory0', uniformInit([N, M], 1 / Math.sqrt(N + M), init));
  }

  get dtype() { return this.memory0.dtype; }

  getConfig(): Required<NTMCellConfig> & { controller: ModuleSpec } {
    return {
      controller: serializePart('NTMCell', 'controller', this.controller), inputSize: this.inputSize, memorySize: this.memorySize,
      memoryWidth: this.memoryWidth, readHeads: this.readHeads.length, writeHeads: this.writeHeads.length, maxShift: this.maxShift,
    };
  }

  initCarry(batch: number): Carry {
    const N = this.memorySize, dtype = this.dtype;
    const focus = (heads: number): Tensor => {
      const w = zeros([batch, heads * N], { dtype });
      for (let b = 0; b < batch; b++) for (let k = 0; k < heads; k++) w.data[b * heads * N + k * N] = 1;
      return w;
    };
    return [
      zeros([batch, this.hiddenSize], { dtype }), ...this.controller.initCarry(batch),
      broadcastTo(reshape(this.memory0, [1, N * this.memoryWidth]), [batch, N * this.memoryWidth]),
      focus(this.readHeads.length), focus(this.writeHeads.length),
    ];
  }

  /** The identity (checked): the controller reads x_t together with r_{t−1}, which only the step knows. */
  projectInput(x: Tensor): Tensor {
    if (x.shape[x.rank - 1] !== this.inputSize) {
      throw new Error(`expected input of shape [..., ${this.inputSize}], got ${formatShape(x.shape)}`);
    }
    return x;
  }

  stepProjected(x: Tensor, carry: Carry): Carry {
    if (carry.length !== this.carrySize) throw new Error(`NTMCell: expected a carry of ${this.carrySize} tensors, got ${carry.length}`);
    const B = x.shape[0], N = this.memorySize, M = this.memoryWidth, Hc = this.controller.hiddenSize, c = this.controller.carrySize;
    const [y, ...rest] = carry;
    const ctrl = rest.slice(0, c), [mem, readW, writeW] = rest.slice(c);
    const readsBefore = slice(y, 1, Hc, this.hiddenSize);
    const ctrlNext = this.controller.step(concat([x, readsBefore], 1), ctrl);
    const h = ctrlNext[0];
    let memory = reshape(mem, [B, N, M]);
    const ws: Tensor[] = [], rs: Tensor[] = [], reads: Tensor[] = [];
    this.writeHeads.forEach((head, k) => {
      const p = head.forward(h);
      const w = head.address(memory, slice(writeW, 1, k * N, (k + 1) * N), p);
      memory = writeMemory(memory, w, p.erase!, p.add!);
      ws.push(w);
    });
    this.readHeads.forEach((head, k) => {
      const w = head.address(memory, slice(readW, 1, k * N, (k + 1) * N), head.forward(h));
      reads.push(readMemory(memory, w));
      rs.push(w);
    });
    return [
      concat([h, ...reads], 1), ...ctrlNext, reshape(memory, [B, N * M]),
      concat(rs, 1), concat(ws, 1),
    ];
  }

  step(x: Tensor, carry: Carry): Carry {
    return this.stepProjected(this.projectInput(x), carry);
  }

  /** The memory of a carry, [B, N, M]. */
  memoryOf(carry: Carry): Tensor {
    return reshape(carry[1 + this.controller.carrySize], [carry[0].shape[0], this.memorySize, this.memoryWidth]);
  }

  /** The read (or write) heads' weightings of a carry, [B, heads, N]: where each head looked at that step. */
  weightingsOf(carry: Carry, mode: 'read' | 'write'): Tensor {
    const heads = mode === 'read' ? this.readHeads.length : this.writeHeads.length;
    return reshape(carry[2 + this.controller.carrySize + (mode === 'read' ? 0 : 1)], [carry[0].shape[0], heads, this.memorySize]);
  }
}

registerClass('nn.NTMCell', NTMCell, (config, init) => new NTMCell(cellFromConfig(config.controller, init), config, init));
