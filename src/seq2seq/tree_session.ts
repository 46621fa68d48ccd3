// A trained tree decoder over one encoded batch, presented as the StepDecoder that greedy decoding,
// sampling and beam search (./decoding.ts, ./beam_search.ts) already drive: each row writes its
// tree as one breadth-first token stream, the nodes' sequences one after another. When a row's
// sequence emits <n>, the state that emitted it is queued; when the sequence ends, the row switches
// to the state at the head of its queue and writes that node's children (from BOS, with the
// queued state's vector as its parent vector). So a search over streams is a search over whole
// trees, and a stream's log-probability is the sum of its tree's token log-probs.
//
// The stream's vocabulary is the decoder's V tokens plus one, NODE_END = V: a sequence that ends
// while nodes are still queued ends with NODE_END (scored with the decoder's EOS probability), the
// last one with EOS, which ends the stream. The one that does not apply is masked (−∞), so that a
// finished stream is always a whole tree. Two bounds keep trees finite: past maxNodes nodes, <n> is
// masked; after maxNodeLength tokens a sequence can only end.

import type { Tensor } from '../tensor/tensor.js';
import type { FloatArray } from '../backend/dtype.js';
import { noGrad } from '../autograd/grad_mode.js';
import { selectRows } from '../autograd/ops/gather.js';
import { concat } from '../autograd/ops/shape_ops.js';
import { checkPositiveInteger } from '../nn/config_check.js';
import { BOS, EOS } from '../data/vocab.js';
import type { DecoderState, SourceContext } from './decoder.js';
import type { StepDecoder } from './step_decoder.js';
import { selectSessionRows } from './decoder_session.js';
import type { TreeDecoder, TreeSource } from './tree_decoder.js';

export interface TreeSessionOptions {
  /** Most nodes per tree (default 64). */
  maxNodes?: number;
  /** Most tokens per node's sequence, its end excluded (default 32). */
  maxNodeLength?: number;
}

/** A node waiting to be written: row `row` of the state that emitted its <n>. */
interface Pending { state: DecoderState; row: number }

/** Where a row's stream is: its queue of unwritten nodes, its sequence's length, its nodes so far. */
interface RowProgress { queue: Pending[]; length: number; nodes: number }

/** Rows of several tensors, sources[i] = (tensor, row), as one [sources.length, ·] tensor. */
function gatherRows(sources: readonly { t: Tensor; row: number }[]): Tensor {
  const offsets = new Map<Tensor, number>();
  const parts: Tensor[] = [];
  let size = 0;
  const idx = Int32Array.from(sources, ({ t, row }) => {
    let at = offsets.get(t);
    if (at === undefined) { at = size; offsets.set(t, at); parts.push(t); size += t.shape[0]; }
    return at + row;
  });
  return selectRows(parts.length === 1 ? parts[0] : concat(parts, 0), idx);
}

export class TreeSession implements StepDecoder {
  /** V + 1: the decoder's tokens and NODE_END. */
  readonly vocabSize: number;
  /** The token that closes a node's sequence while others are queued (= the decoder's V). */
  readonly nodeEnd: number;
  readonly maxNodes: number;
  readonly maxNodeLength: number;
  /** α of the last step, [rows, S] (null without attention). */
  lastWeights: Tensor | null = null;
  private ctx: SourceContext;
  private state: DecoderState;
  private progress: RowProgress[];
  private started = false;

  /** `encode` runs once, without gradients, and gives the encoder states the trees attend to. */
  constructor(private readonly dec: TreeDecoder, encode: () => TreeSource, options: TreeSessionOptions = {}) {
    this.maxNodes = options.maxNodes ?? 64;
    this.maxNodeLength = options.maxNodeLength ?? 32;
    checkPositiveInteger('maxNodes', this.maxNodes);
    checkPositiveInteger('maxNodeLength', this.maxNodeLength);
    this.nodeEnd = dec.config.vocabSize;
    this.vocabSize = dec.config.vocabSize + 1;
    [this.ctx, this.state] = noGrad(() => {
      const src = encode();
      return [src.ctx, dec.rootState(src)] as const;
    });
    this.progress = Array.from({ length: this.rows }, () => ({ queue: [], length: 0, nodes: 1 }));
  }

  get rows(): number { return this.ctx.summary.shape[0]; }

  /** The most tokens a stream can have, its EOS included: what a search's maxLength must allow. */
  get maxStreamLength(): number { return this.maxNodes * (this.maxNodeLength + 1); }

  next(prev: Int32Array): FloatArray {
    const R = this.rows, V = this.dec.config.vocabSize, nt = this.dec.config.nonTerminal;
    if (prev.length !== R) throw new Error(`expected ${R} previous tokens (one per row), got ${prev.length}`);
    const input = Int32Array.from(prev);
    const switches: (Pending | null)[] = new Array(R).fill(null);
    if (this.started) {
      for (let r = 0; r < R; r++) {
        const p = this.progress[r];
        if (prev[r] === this.nodeEnd) {
          const head = p.queue.shift();
          if (head === undefined) throw new Error(`row ${r}: a node ended with NODE_END while no node was queued (expected EOS)`);
          switches[r] = head;
          input[r] = BOS;
          p.length = 0;
        } else if (prev[r] !== EOS) {
          if (prev[r] === nt) { p.queue.push({ state: this.state, row: r }); p.nodes++; }
          p.length++;
        }
      }
    }
    this.started = true;
    const logits = noGrad(() => {
      if (switches.some((s) => s !== null)) this.switchRows(switches);
      const out = this.dec.decoder.step(input, this.state, this.ctx);
      this.state = out.state;
      this.lastWeights = out.weights;
      return out.logits.data;
    });
    const W = V + 1, out = new Float64Array(R * W);
    for (let r = 0; r < R; r++) {
      const p = this.progress[r], o = r * W;
      for (let v = 0; v < V; v++) out[o + v] = logits[r * V + v];
      // One of the two ends applies: EOS when nothing is queued, NODE_END otherwise.
      out[o + V] = -Infinity;
      if (p.queue.length > 0) { out[o + V] = out[o + EOS]; out[o + EOS] = -Infinity; }
      if (p.nodes >= this.maxNodes) out[o + nt] = -Infinity;
      if (p.length >= this.maxNodeLength) for (let v = 0; v < V; v++) if (v !== EOS) out[o + v] = -Infinity;
    }
    return out;
  }

  // Rows with a switch take the queued node's state and its vector as their parent vector.
  private switchRows(switches: readonly (Pending | null)[]): void {
    const from = (cur: Tensor, pick: (s: DecoderState) => Tensor) =>
      gatherRows(switches.map((s, r) => (s === null ? { t: cur, row: r } : { t: pick(s.state), row: s.row })));
    const { carries, feed } = this.state;
    this.state = {
      carries: carries.map((carry, l) => carry.map((cur, i) => from(cur, (s) => s.carries[l][i]))),
      feed: feed ? from(feed, (s) => s.feed as Tensor) : null,
    };
    this.ctx = { ...this.ctx, summary: from(this.ctx.summary, (s) => this.dec.parentVector(s)) };
  }

  select(idx: Int32Array): void {
    ({ ctx: this.ctx, state: this.state } = selectSessionRows(this.ctx, this.state, idx, this.rows));
    // Queued entries point into states that never change, so copying the queue is enough.
    this.progress = Array.from(idx, (i) => ({ ...this.progress[i], queue: [...this.progress[i].queue] }));
  }
}
