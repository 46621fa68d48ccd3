// Teacher forcing of the tree decoder over a batch of trees, level by level: the nodes at depth d of
// every tree form one batch of child sequences (padded, as the sequence decoder's targets), stepped
// together; each node's initial state and parent vector are gathered, in one selectRows per state
// tensor, from the step at which its parent's sequence emitted its <n>. The decoder thus runs
// depth × (longest sequence) steps per batch, whatever the number of trees.

import { Tensor } from '../tensor/tensor.js';
import { selectRows } from '../autograd/ops/gather.js';
import { concat, reshape, stack } from '../autograd/ops/shape_ops.js';
import { crossEntropy } from '../nn/losses/cross_entropy.js';
import { PAD } from '../data/vocab.js';
import { targetBatch, type TargetBatch } from './batch.js';
import { selectSource, type DecoderState } from './decoder.js';
import type { TokenTree } from './token_tree.js';
import type { TreeDecoder, TreeSource } from './tree_decoder.js';

/** The nodes of one depth across a batch of trees. */
export interface TreeLevel {
  /** The nodes' sequences as decoder input [R, T] (BOS first) and output [R, T] (EOS last), PAD after. */
  tgt: TargetBatch;
  /** [R]: the tree (source row) each node belongs to. */
  tree: Int32Array;
  /**
   * [R]: where the node's <n> was emitted in the level above, t·R_above + r (step t of row r); the
   * index of that step's state in the above level's states stacked step-major. Empty for the roots.
   */
  parentStep: Int32Array;
}

/** The trees' nodes grouped by depth, each level in tree order, children in their <n> order. */
export function treeLevels(trees: readonly TokenTree[], nonTerminal: number): TreeLevel[] {
  if (trees.length === 0) throw new Error('treeLevels: expected at least one tree, got none');
  const levels: TreeLevel[] = [];
  let nodes = trees.map((t, b) => ({ t, tree: b, parentStep: -1 }));
  while (nodes.length > 0) {
    const R = nodes.length;
    const next: typeof nodes = [];
    nodes.forEach(({ t, tree }, r) => {
      let k = 0;
      t.tokens.forEach((v, step) => {
        if (v !== nonTerminal) return;
        const child = t.children[k++];
        if (child === undefined) throw new Error(`treeLevels: expected a child for each <n>, got ${t.children.length} children for more <n> tokens in tree ${tree}`);
        next.push({ t: child, tree, parentStep: step * R + r });
      });
      if (k !== t.children.length) throw new Error(`treeLevels: expected a child for each <n>, got ${t.children.length} children for ${k} <n> tokens in tree ${tree}`);
    });
    levels.push({
      tgt: targetBatch(nodes.map((n) => n.t.tokens)), tree: Int32Array.from(nodes, (n) => n.tree),
      parentStep: levels.length === 0 ? new Int32Array(0) : Int32Array.from(nodes, (n) => n.parentStep),
    });
    nodes = next;
  }
  return levels;
}

/** The states of every step of a level, stacked step-major ([T·R, ·] per tensor), rows `idx` of them. */
function gatherStates(steps: readonly DecoderState[], idx: Int32Array): DecoderState {
  const pick = (ts: Tensor[]): Tensor => {
    const [R, H] = ts[0].shape;
    return selectRows(reshape(stack(ts, 0), [ts.length * R, H]), idx);
  };
  return {
    carries: steps[0].carries.map((carry, l) => carry.map((_, i) => pick(steps.map((s) => s.carries[l][i])))),
    feed: steps[0].feed ? pick(steps.map((s) => s.feed as Tensor)) : null,
  };
}

/** The teacher-forced forward of a batch of trees. */
export interface TreeForward {
  /** Next-token scores of every level, [R_d, T_d, V]. */
  logits: Tensor[];
  /** Mean cross-entropy per target token (every node's tokens and its EOS, over all levels). */
  loss: Tensor;
  /** Target tokens counted in the loss. */
  tokens: number;
}

/**
 * Steps `dec` over every node's sequence of `levels` (treeLevels of B trees whose sources `src`
 * holds), feeding the true previous token.
 * Outputs: logits per level [R_d, T_d, V], and the loss −Σ_nodes Σ_t log p(y_t | y_<t, ancestors, x) / tokens.
 */
export function treeTeacherForcing(dec: TreeDecoder, src: TreeSource, levels: readonly TreeLevel[]): TreeForward {
  const B = src.encoderSummary.shape[0];
  if (levels.length === 0 || levels[0].tree.length !== B) {
    throw new Error(`expected tree levels whose first level holds the ${B} roots of the source batch, got ${levels.length === 0 ? 'no levels' : `${levels[0].tree.length} roots`}`);
  }
  const logits: Tensor[] = [], flat: Tensor[] = [], targets: Int32Array[] = [];
  let above: DecoderState[] = [];
  let tokens = 0;
  for (const level of levels) {
    let state: DecoderState, ctx = src.ctx;
    if (above.length === 0) {
      state = dec.rootState(src);
    } else {
      state = gatherStates(above, level.parentStep);
      ctx = { ...selectSource(src.ctx, level.tree), summary: dec.parentVector(state) };
    }
    const [R, T] = level.tgt.input.shape;
    const steps: DecoderState[] = [], out: Tensor[] = [];
    for (let t = 0; t < T; t++) {
      const prev = new Int32Array(R);
      for (let r = 0; r < R; r++) prev[r] = level.tgt.input.data[r * T + t];
      const step = dec.decoder.step(prev, state, ctx);
      state = step.state;
      steps.push(state);
      out.push(step.logits); // [R, V]
    }
    const z = stack(out, 1); // [R, T, V]
    logits.push(z);
    flat.push(reshape(z, [R * T, z.shape[2]]));
    targets.push(level.tgt.output.data);
    tokens += level.tgt.lengths.reduce((a, n) => a + n, 0);
    above = steps;
  }
  const all = flat.length === 1 ? flat[0] : concat(flat, 0);
  const y = new Int32Array(all.shape[0]);
  let at = 0;
  for (const t of targets) { y.set(t, at); at += t.length; }
  return { logits, loss: crossEntropy(all, { data: y, shape: [y.length] }, { ignoreIndex: PAD }), tokens };
}
