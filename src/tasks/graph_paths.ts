// The graph-paths task: on random directed graphs with a marked source, classify every node by its
// shortest-path distance from the source (0 … D − 1, "≥ D", unreachable; graph_paths_data.ts).
// Models are trained on graphs of 10–20 nodes, drawn afresh for every batch, and tested on held-out
// graphs of 30–40 nodes (and on fresh ones of the training sizes): does what was learned carry over
// to larger graphs? The gated graph neural network propagates along the edges, one hop per step; the
// baseline, a bidirectional LSTM of about as many parameters, reads the edge list as a sequence.
// The metric is per-node accuracy.

import { Rng } from '../tensor/random.js';
import { noGrad } from '../autograd/grad_mode.js';
import { indices } from '../autograd/ops/gather.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Module } from '../nn/module.js';
import { crossEntropy } from '../nn/losses/cross_entropy.js';
import { activationBytes, adamTrainingMemory, checkMemory } from '../nn/memory_estimate.js';
import { GGNN } from '../graph/ggnn.js';
import { GraphBatch } from '../graph/graph_batch.js';
import { Adam } from '../optim/adam.js';
import { checkLearningRate } from '../optim/learning_rate_limit.js';
import { fit } from '../train/fit.js';
import { resumableRng } from '../train/fit_state.js';
import { modelCheckpoint, resumeInto } from '../train/fit_state_file.js';
import { EdgeListModel, edgeListBatch } from './graph_paths_baseline.js';
import { ggnnGraph, NUM_PATH_CLASSES, pathClass, pathGraphs, type PathGraph } from './graph_paths_data.js';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { definedOnly } from './defined_only.js';

export type GraphPathsModelKind = 'ggnn' | 'lstm';

export interface GraphPathsOptions {
  /** Models to train, in order (default ggnn, lstm). */
  models?: GraphPathsModelKind[];
  /** Seed of the data and the weights (default 0). */
  seed?: number;
  /** Node counts of the training graphs (default 10–20) and of the held-out large ones (default 30–40). */
  trainNodes?: [number, number];
  testNodes?: [number, number];
  /** Held-out graphs per test set (default 200). */
  testSize?: number;
  /** The GGNN's state size (default 32); the LSTM gets ¾ of it per direction, for about as many parameters. */
  hiddenSize?: number;
  /** The GGNN's propagation steps K (default 10: the longest shortest paths of 40-node graphs). */
  propagationSteps?: number;
  /** Graphs per batch (default 16), Adam's learning rate (default 0.003), gradient clipping norm (default 5). */
  batchSize?: number;
  lr?: number;
  clip?: number;
  /** Training budget per model: steps and seconds (default 10000 steps, 210 s; whichever runs out first). */
  steps?: number;
  timeSeconds?: number;
  /** Save each model as `<model>.safetensors` here (with its resume state); resume from there. */
  checkpointDir?: string;
  resume?: boolean;
  shouldStop?: () => boolean;
  /** Refuse a run estimated to need more bytes than this (default 4 GiB). */
  maxMemory?: number;
  /** Called at every tenth of a model's budget with the loss and the accuracy on 32 fresh training-size graphs. */
  onEval?: (info: { model: GraphPathsModelKind; step: number; loss: number; accuracy: number; elapsed: number }) => void;
}

export interface GraphPathsModelResult {
  model: GraphPathsModelKind;
  /** Per-node accuracy on the held-out large graphs. */
  accuracy: number;
  /** Per-node accuracy on held-out graphs of the training sizes. */
  trainSizeAccuracy: number;
  /** Accuracy on the large graphs per class (NaN for a class without nodes). */
  classAccuracy: number[];
  parameters: number;
  steps: number;
  seconds: number;
  interrupted: boolean;
}

export interface GraphPathsResult {
  results: GraphPathsModelResult[];
  /** Accuracy of always answering the most frequent class of each test set (of the large graphs, of the training-size ones). */
  majority: { accuracy: number; trainSizeAccuracy: number };
  /** Share of each class among the nodes of the large test graphs. */
  classShares: number[];
}

/** The defaults of graphPaths. */
export const GRAPH_PATHS_DEFAULTS = {
  trainNodes: [10, 20] as [number, number], testNodes: [30, 40] as [number, number], testSize: 200, hiddenSize: 32, propagationSteps: 10,
  batchSize: 16, lr: 0.003, clip: 5, steps: 10000, timeSeconds: 210,
} as const;

// The symbols of the node ids the LSTM reads: as many as the largest graph has nodes.
const idSymbols = (o: { trainNodes: [number, number]; testNodes: [number, number] }): number => Math.max(o.trainNodes[1], o.testNodes[1]);

/** A model of the task as the loop uses it: logits [N, classes] for the nodes of a list of graphs. */
interface PathModel {
  module: Module;
  logits(graphs: readonly PathGraph[], rng: Rng): Tensor;
}

function buildModel(kind: GraphPathsModelKind, o: { seed: number; hiddenSize: number; propagationSteps: number }, P: number, k: number): PathModel {
  const init = { rng: new Rng(o.seed * 1000 + 77 + k) };
  if (kind === 'ggnn') {
    const m = new GGNN({ annotationSize: 1, hiddenSize: o.hiddenSize, steps: o.propagationSteps, nodeOutputSize: NUM_PATH_CLASSES }, init);
    return { module: m, logits: (gs) => m.forward(new GraphBatch(gs.map(ggnnGraph), { annotationSize: 1 })).nodes as Tensor };
  }
  const m = new EdgeListModel({ nodeSymbols: P, embeddingSize: 16, hiddenSize: Math.max(1, Math.round(0.75 * o.hiddenSize)), classes: NUM_PATH_CLASSES }, init);
  return { module: m, logits: (gs, rng) => m.forward(edgeListBatch(gs, P, rng)) };
}

const targetsOf = (gs: readonly PathGraph[]) => indices(gs.flatMap((g) => Array.from(g.distances, pathClass)));

/** Per-node accuracy of `model` on `graphs` (scored batchSize graphs at a time), and per class. */
function accuracy(model: PathModel, graphs: readonly PathGraph[], batchSize: number, rng: Rng): { all: number; perClass: number[] } {
  const right = new Array(NUM_PATH_CLASSES).fill(0), total = new Array(NUM_PATH_CLASSES).fill(0);
  noGrad(() => {
    for (let s = 0; s < graphs.length; s += batchSize) {
      const part = graphs.slice(s, s + batchSize);
      const logits = model.logits(part, rng).dataSync(), y = targetsOf(part).data, C = NUM_PATH_CLASSES;
      for (let i = 0; i < y.length; i++) {
        let best = 0;
        for (let c = 1; c < C; c++) if (logits[i * C + c] > logits[i * C + best]) best = c;
        total[y[i]]++;
        if (best === y[i]) right[y[i]]++;
      }
    }
  });
  const n = total.reduce((a, b) => a + b, 0);
  return { all: right.reduce((a, b) => a + b, 0) / n, perClass: right.map((r, c) => r / total[c]) };
}

/** Class shares of the nodes of `graphs`. */
function classShares(graphs: readonly PathGraph[]): number[] {
  const y = targetsOf(graphs).data, counts = new Array(NUM_PATH_CLASSES).fill(0);
  for (const c of y) counts[c]++;
  return counts.map((c) => c / y.length);
}

/** Runs the task: the test sets, each model trained in turn on fresh graphs, per-node accuracies. */
export async function graphPaths(options: GraphPathsOptions = {}): Promise<GraphPathsResult> {
  const defined = definedOnly(options) as GraphPathsOptions;
  const o = { ...GRAPH_PATHS_DEFAULTS, seed: 0, ...defined };
  checkLearningRate(o.lr);
  for (const [name, [lo, hi]] of [['training', o.trainNodes], ['test', o.testNodes]] as const) {
    if (!(Number.isInteger(lo) && Number.isInteger(hi) && lo >= 2 && hi >= lo)) throw new Error(`graph-paths: expected ${name} node counts a-b with 2 <= a <= b, got ${lo}-${hi}`);
  }
  const P = idSymbols(o);
  checkMemory(graphPathsMemory(o, P), options.maxMemory);
  const testRng = new Rng(o.seed * 7 + 3);
  const large = pathGraphs(testRng, o.testSize, o.testNodes), small = pathGraphs(testRng, o.testSize, o.trainNodes);
  const valid = pathGraphs(testRng, 32, o.trainNodes);
  const smallShares = classShares(small), largeShares = classShares(large);
  const results: GraphPathsModelResult[] = [];
  for (const [k, kind] of (o.models ?? ['ggnn', 'lstm']).entries()) {
    const model = buildModel(kind, o, P, k);
    const dataRng = new Rng(o.seed * 7 + 11 + k), evalRng = new Rng(o.seed * 7 + 5);
    const path = o.checkpointDir === undefined ? null : join(o.checkpointDir, `${kind}.safetensors`);
    let recent = 0;
    const res = await fit({
      model: model.module, optimizer: new Adam(model.module.parameters(), { lr: o.lr }), clip: o.clip, steps: o.steps, seconds: o.timeSeconds,
      data: () => pathGraphs(dataRng, o.batchSize, o.trainNodes),
      loss: (gs) => crossEntropy(model.logits(gs, dataRng), targetsOf(gs)),
      evaluate: () => ({ accuracy: accuracy(model, valid, o.batchSize, evalRng).all }),
      checkpoint: path === null ? undefined : modelCheckpoint(path, model.module),
      resumables: { data: resumableRng(dataRng) },
      resume: path !== null && o.resume && existsSync(path) ? resumeInto(path, model.module) : null,
      callbacks: {
        shouldStop: o.shouldStop,
        onStep: ({ loss }) => { recent = loss; },
        onEval: ({ step, elapsed, metrics }) => o.onEval?.({ model: kind, step, loss: recent, accuracy: metrics.accuracy, elapsed }),
      },
    });
    model.module.eval();
    const onLarge = accuracy(model, large, o.batchSize, evalRng), onSmall = accuracy(model, small, o.batchSize, evalRng);
    results.push({
      model: kind, accuracy: onLarge.all, trainSizeAccuracy: onSmall.all, classAccuracy: onLarge.perClass, parameters: model.module.numParameters(),
      steps: res.steps, seconds: res.elapsed, interrupted: res.stopped === 'interrupted',
    });
    if (res.stopped === 'interrupted') break;
  }
  return { results, majority: { accuracy: Math.max(...largeShares), trainSizeAccuracy: Math.max(...smallShares) }, classShares: largeShares };
}

/**
 * About what a run holds at its peak, from its settings alone (so that `--hidden 1000000000` is
 * refused before anything is drawn): the larger model four times over (Adam), the activations of a
 * batch of the largest graphs through either model (the GGNN keeps about 12H values per node and
 * step, the LSTM about 10h per direction and token of lists three tokens per edge, up to 3 edges per
 * node), and the test graphs.
 */
export function graphPathsMemory(o: { hiddenSize: number; propagationSteps: number; batchSize: number; testSize: number; trainNodes: [number, number]; testNodes: [number, number] }, P: number) {
  const H = o.hiddenSize, h = Math.max(1, Math.round(0.75 * H)), E = 16, C = NUM_PATH_CLASSES, n = Math.max(o.trainNodes[1], o.testNodes[1]);
  const ggnn = 8 * H * H + 8 * H + (H + 2) * C, lstm = (P + 2) * E + 8 * h * (E + h + 2) + (2 * h + E + 1) * h + (h + 1) * C;
  const ggnnActivations = o.batchSize * n * o.propagationSteps * 12 * H, lstmActivations = o.batchSize * (9 * n + 3) * 2 * 10 * h;
  return adamTrainingMemory(Math.max(ggnn, lstm), activationBytes(Math.max(ggnnActivations, lstmActivations)), [['test graphs', 3 * o.testSize * n * 200]]);
}
