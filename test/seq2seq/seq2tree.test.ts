// Sequence-to-tree: token trees convert to and from bracketed trees and breadth-first streams; the
// level-batched teacher-forced loss equals a plain recursive walk over each tree's nodes (weights set
// by a formula); gradients agree with finite differences; beam width 1 is greedy, wider beams never
// score below greedy, decoded trees are whole; a model fitted to a few trees decodes them, and a
// decoded tree's log-probability is its teacher-forced log-likelihood.

import test from 'node:test';
import assert from 'node:assert/strict';
import '../../src/autograd/methods.js';
import { Rng } from '../../src/tensor/random.js';
import { Tensor, zeros } from '../../src/tensor/tensor.js';
import { noGrad } from '../../src/autograd/grad_mode.js';
import { tanh } from '../../src/autograd/ops/elementwise.js';
import { gradcheck } from '../../src/autograd/gradcheck.js';
import { backward } from '../../src/autograd/engine.js';
import { Adam } from '../../src/optim/adam.js';
import { padBatch } from '../../src/seq2seq/batch.js';
import type { DecoderState, SourceContext } from '../../src/seq2seq/decoder.js';
import { logSoftmaxRow } from '../../src/seq2seq/step_decoder.js';
import { Seq2Tree, decodeTrees, type Seq2TreeConfig } from '../../src/seq2seq/seq2tree.js';
import { breadthFirst, tokenStream, tokenTreeFromStream, tokenTreeOf, treeOfTokens, type TokenTree } from '../../src/seq2seq/token_tree.js';
import { parseTree } from '../../src/tree/parse.js';
import { treeToString } from '../../src/tree/print.js';
import { BOS, EOS } from '../../src/data/vocab.js';

// Target tokens: 0 PAD, 1 BOS, 2 EOS, 3 UNK, 4 a, 5 b, 6 c, 7 <n>.
const NT = 7, V = 8;
const tt = (tokens: number[], children: TokenTree[] = []): TokenTree => ({ tokens, children });
const TREES: TokenTree[] = [
  tt([4, NT, 5], [tt([6, 5])]),
  tt([5, 6]),
  tt([NT, NT], [tt([4]), tt([5, NT], [tt([6, 6, 4])])]),
];
const SOURCES = [[4, 5, 6], [7], [5, 6, 7, 4, 8]];

const config = (over: Partial<Seq2TreeConfig> = {}): Seq2TreeConfig => ({
  srcVocabSize: 9, tgtVocabSize: V, nonTerminal: NT, embeddingSize: 3, hiddenSize: 4, cell: 'lstm', bidirectional: true, attention: 'additive', attentionSize: 3, ...over,
});

// Every weight set by a formula (no generator): entry i of parameter k is 0.4 sin(0.7 i + 1.3 k).
function handSet(model: Seq2Tree): Seq2Tree {
  model.parameters().forEach((p, k) => { for (let i = 0; i < p.size; i++) p.data[i] = 0.4 * Math.sin(0.7 * i + 1.3 * k); });
  return model;
}

test('token trees: bracketed trees, breadth-first streams and back', () => {
  const ids = ['-', '*', '+', '2', '3', '4', '5'];
  const id = (s: string): number => 10 + ids.indexOf(s), sym = (v: number): string => ids[v - 10];
  const tree = parseTree('(- (* (+ 3 4) 2) 5)');
  const t = tokenTreeOf(tree, id, NT);
  assert.deepEqual(t, tt([id('-'), NT, id('5')], [tt([id('*'), NT, id('2')], [tt([id('+'), id('3'), id('4')])])]));
  assert.equal(treeToString(treeOfTokens(t, sym, NT)!), '(- (* (+ 3 4) 2) 5)');
  const END = 99;
  // Breadth-first: the root, then its children, then theirs.
  const s = tokenStream(TREES[2], END);
  assert.deepEqual(s, [NT, NT, END, 4, END, 5, NT, END, 6, 6, 4]);
  assert.deepEqual(tokenTreeFromStream(s, NT, END), TREES[2]);
  for (const tree of TREES) assert.deepEqual(tokenTreeFromStream(tokenStream(tree, END), NT, END), tree);
  assert.equal(tokenTreeFromStream([NT, 4], NT, END), null, 'a <n> without its sequence');
  assert.equal(tokenTreeFromStream([4, END, 5], NT, END), null, 'a sequence nobody asked for');
  assert.equal(treeOfTokens(tt([id('+')]), sym, NT), null, 'a label without children');
  assert.equal(treeOfTokens(tt([]), sym, NT), null, 'an empty node');
  assert.throws(() => tokenTreeOf(parseTree('(S (NP x) y)'), id, NT), /expected unlabelled leaves/);
});

// The loss of one tree by a recursive walk: each node alone (batch of one), depth first, its state
// started from the state that emitted its <n>, its parent vector that state's h̃.
function plainLoss(model: Seq2Tree, source: number[], tree: TokenTree): { nats: number; tokens: number } {
  const { ids, lengths } = padBatch([source]);
  const src = model.encode(ids, lengths);
  const dec = model.decoder;
  const h0 = tanh(dec.bridges[0].forward(src.encoderSummary));
  const root: DecoderState = { carries: [[h0, zeros([1, 4], { dtype: 'float64' })]], feed: zeros([1, 4], { dtype: 'float64' }) };
  let nats = 0, tokens = 0;
  const logp = new Float64Array(V);
  const walk = (node: TokenTree, start: DecoderState, ctx: SourceContext): void => {
    let state = start, prev = BOS, k = 0;
    for (let t = 0; t <= node.tokens.length; t++) {
      const y = t < node.tokens.length ? node.tokens[t] : EOS;
      const out = dec.decoder.step(Int32Array.of(prev), state, ctx);
      state = out.state;
      nats -= logSoftmaxRow(out.logits.data, 0, V, logp)[y];
      tokens++;
      if (y === NT) walk(node.children[k++], state, { ...ctx, summary: state.feed as Tensor });
      prev = y;
    }
  };
  walk(tree, root, { ...src.ctx, summary: zeros([1, 4], { dtype: 'float64' }) });
  return { nats, tokens };
}

test('the level-batched teacher-forced loss equals a node-by-node walk of each tree', () => {
  const model = handSet(new Seq2Tree(config(), { dtype: 'float64' }));
  const { ids, lengths } = padBatch(SOURCES);
  const out = noGrad(() => model.forward(ids, lengths, TREES));
  let nats = 0, tokens = 0;
  noGrad(() => TREES.forEach((t, b) => { const p = plainLoss(model, SOURCES[b], t); nats += p.nats; tokens += p.tokens; }));
  assert.equal(out.tokens, tokens);
  assert.equal(tokens, 4 + 3 + 3 + 3 + 2 + 3 + 4);
  assert.ok(Math.abs(out.loss.item() - nats / tokens) < 1e-12, `${out.loss.item()} vs ${nats / tokens}`);
  assert.deepEqual(out.logits.map((z) => z.shape), [[3, 4, V], [3, 3, V], [1, 4, V]]);
});

test('gradcheck (float64): LSTM with additive attention; two-layer GRU without attention', () => {
  // Two trees of three levels and one: gradients flow through the gathers of every level.
  const { ids, lengths } = padBatch([SOURCES[2], [4, 6]]);
  const small = { embeddingSize: 2, hiddenSize: 3, attentionSize: 2 };
  for (const [k, c] of [config(small), config({ ...small, hiddenSize: 2, cell: 'gru', numLayers: 2, attention: 'none', bidirectional: false })].entries()) {
    const model = new Seq2Tree(c, { dtype: 'float64', rng: new Rng(3 + k) });
    const res = gradcheck(() => model.loss(ids, lengths, [TREES[2], TREES[1]]), model.parameters(), { atol: 1e-7, rtol: 1e-5 });
    assert.ok(res.ok, `${c.cell}: max error ${res.maxAbsError}`);
    for (const [name, p] of model.namedParameters()) assert.ok(p.grad !== null, `${name} got no gradient`);
  }
});

// Untrained models with EOS and <n> favoured: greedy often wanders into big branching trees (up to
// the bounds) where a beam finds far likelier small ones.
function smallTreeModel(seed: number): Seq2Tree {
  const model = new Seq2Tree(config({ hiddenSize: 6 }), { dtype: 'float64', rng: new Rng(seed) });
  const bias = model.decoder.decoder.head.bias!;
  bias.data[EOS] += 0.5;
  bias.data[NT] += 0.5;
  return model;
}

test('beam width 1 is greedy; wider beams never score below greedy; decoded trees are whole', () => {
  const sources = Array.from({ length: 6 }, (_, b) => Array.from({ length: 2 + (b % 4) }, (_, i) => 4 + ((b * 3 + i * 5) % 5)));
  const { ids, lengths } = padBatch(sources);
  let better = 0, branching = 0;
  for (const seed of [1, 2, 3]) {
    const model = smallTreeModel(seed);
    const opts = { maxNodes: 12, maxNodeLength: 6 };
    const greedy = decodeTrees(model, ids, lengths, opts);
    const beam1 = decodeTrees(model, ids, lengths, { ...opts, beamWidth: 1 });
    assert.deepEqual(beam1.map((h) => h.stream), greedy.map((h) => h.stream), `seed ${seed}`);
    beam1.forEach((h, b) => assert.ok(Math.abs(h.logProb - greedy[b].logProb) < 1e-12));
    for (const k of [2, 3, 5]) {
      const beam = decodeTrees(model, ids, lengths, { ...opts, beamWidth: k });
      beam.forEach((h, b) => assert.ok(h.logProb >= greedy[b].logProb - 1e-12, `seed ${seed}, k ${k}, row ${b}: ${h.logProb} < greedy ${greedy[b].logProb}`));
      better += beam.filter((h, b) => h.logProb > greedy[b].logProb + 1).length;
    }
    for (const h of [...greedy, ...decodeTrees(model, ids, lengths, { ...opts, beamWidth: 3 })]) {
      assert.ok(h.tree !== null, 'a finished tree');
      const nodes = breadthFirst(h.tree);
      assert.ok(nodes.length <= 12);
      if (nodes.length > 2) branching++;
      for (const n of nodes) {
        assert.equal(n.tokens.filter((v) => v === NT).length, n.children.length, 'one child per <n>');
        assert.ok(n.tokens.length <= 6);
      }
      assert.deepEqual(tokenStream(h.tree, V), h.stream, 'the stream is the tree breadth-first');
    }
  }
  assert.ok(better >= 10, `the beam beat greedy by a nat on ${better} rows`);
  assert.ok(branching >= 5, `${branching} trees of more than two nodes`);
});

test("a model fitted to three trees decodes them, each scored at its teacher-forced log-likelihood", () => {
  const model = new Seq2Tree(config({ hiddenSize: 8 }), { dtype: 'float64', rng: new Rng(4) });
  const { ids, lengths } = padBatch(SOURCES);
  const opt = new Adam(model.parameters(), { lr: 0.02 });
  for (let i = 0; i < 150; i++) {
    opt.zeroGrad();
    backward(model.loss(ids, lengths, TREES));
    opt.step();
  }
  const opts = { maxNodes: 8, maxNodeLength: 6 };
  for (const beamWidth of [0, 3]) {
    const hyps = decodeTrees(model, ids, lengths, { ...opts, beamWidth });
    assert.deepEqual(hyps.map((h) => h.tree), TREES, `beam ${beamWidth}`);
    hyps.forEach((h, b) => {
      const one = padBatch([SOURCES[b]]);
      const f = noGrad(() => model.forward(one.ids, one.lengths, [h.tree!]));
      assert.ok(Math.abs(-f.loss.item() * f.tokens - h.logProb) < 1e-9, `row ${b}: ${-f.loss.item() * f.tokens} vs ${h.logProb}`);
    });
  }
});

test('configs: a bad non-terminal is refused naming the range', () => {
  assert.throws(() => new Seq2Tree(config({ nonTerminal: 8 })), /expected nonTerminal to be a target token id in \[0, 8\), got number 8/);
  assert.throws(() => new Seq2Tree(config({ cell: 'tanh' as 'rnn' })), /expected cell rnn, lstm or gru/);
});
