// `unfold tasks graph-paths`: each node's shortest-path distance class from a marked source on random
// directed graphs (src/tasks/graph_paths.ts), trained on graphs of 10–20 nodes and tested on larger
// held-out ones of 30–40; the gated graph neural network against a bidirectional LSTM reading the
// edge list. The JSON result line carries the GGNN's per-node accuracy on the large graphs as
// `value` and the LSTM's as `baseline`, with both test sets' figures per model.

import { Command } from 'commander';
import { GRAPH_PATHS_DEFAULTS, graphPaths, type GraphPathsModelKind, type GraphPathsModelResult } from '../../tasks/graph_paths.js';
import { DISTANCE_CLASSES, PATH_CLASS_NAMES } from '../../tasks/graph_paths_data.js';
import { choice, float, int, learningRate } from '../parse.js';
import { onInterrupt } from '../interrupt.js';
import { checkpointOptions, runFolder, stoppedEarly, type CheckpointFlags } from '../task_checkpoints.js';
import { fmt, reportTask, runs, say, seconds, taskOptions, type TaskFlags } from '../task_report.js';

interface GraphPathsFlags extends TaskFlags, CheckpointFlags {
  models: GraphPathsModelKind[]; steps: number; time: number; hidden: number; propagate: number; lr: number; batch: number; test: number;
}

const MODELS: GraphPathsModelKind[] = ['ggnn', 'lstm'];

export function graphPathsTask(): Command {
  const d = GRAPH_PATHS_DEFAULTS;
  const cmd = new Command('graph-paths')
    .description('shortest-path distance class of every node from a source on random directed graphs: a gated graph neural network vs a bidirectional LSTM over the edge list')
    .option('--models <list>', `comma-separated, from ${MODELS.join(', ')}`, (v: string) => v.split(',').map((m) => choice(...MODELS)(m.trim())), ['ggnn', 'lstm'])
    .option('--steps <n>', 'training steps per model at most', int(1), d.steps)
    .option('--time <s>', 'training seconds per model at most', float(0.01), d.timeSeconds)
    .option('--hidden <n>', 'GGNN state size (the LSTM gets 3/4 of it per direction: about as many parameters)', int(1), d.hiddenSize)
    .option('--propagate <k>', 'GGNN propagation steps', int(1, 1024), d.propagationSteps)
    .option('--lr <x>', 'Adam learning rate', learningRate(), d.lr)
    .option('--batch <n>', 'graphs per batch', int(1), d.batchSize)
    .option('--test <n>', 'held-out graphs per test set', int(1), d.testSize);
  cmd.addHelpText('after', `
Every node has 1 to 3 out-edges; classes: distance ${PATH_CLASS_NAMES.join(', ')} (D = ${DISTANCE_CLASSES}).
Training graphs (drawn afresh for every batch) have ${d.trainNodes.join('-')} nodes; the test sets are
held-out graphs of ${d.testNodes.join('-')} nodes and of the training sizes. Reported: per-node accuracy.`);
  return checkpointOptions(taskOptions(cmd, '1'))
    .action(async (f: GraphPathsFlags) => {
      const start = performance.now();
      const interrupt = onInterrupt((t) => process.stderr.write(`${t}\n`));
      const n = f.runs ?? 1;
      const all: GraphPathsModelResult[][] = [];
      let majority = 0;
      try {
        for (let r = 0; r < n; r++) {
          const res = await graphPaths({
            checkpointDir: runFolder(f, r), resume: f.resume, shouldStop: interrupt.requested, maxMemory: f.maxMemory, seed: f.seed + r,
            models: f.models, steps: f.steps, timeSeconds: f.time, hiddenSize: f.hidden, propagationSteps: f.propagate, lr: f.lr, batchSize: f.batch, testSize: f.test,
            onEval: (e) => process.stderr.write(`run ${r + 1} ${e.model} step ${e.step}: loss ${fmt(e.loss)}, accuracy on fresh training-size graphs ${fmt(e.accuracy)} (${e.elapsed.toFixed(0)} s)\n`),
          });
          all.push(res.results);
          majority += res.majority.accuracy / n;
          for (const m of res.results) {
            say(f.json, `run ${r + 1} ${m.model}: per-node accuracy ${fmt(m.accuracy)} on ${d.testNodes.join('-')}-node graphs, ${fmt(m.trainSizeAccuracy)} on ${d.trainNodes.join('-')}-node ones ` +
              `(by class ${m.classAccuracy.map((a, c) => `${PATH_CLASS_NAMES[c]} ${fmt(a)}`).join(', ')}; ${m.parameters} parameters, ${m.steps} steps, ${m.seconds.toFixed(1)} s)`);
          }
          say(f.json, `run ${r + 1}: always the most frequent class: ${fmt(res.majority.accuracy)} on the large graphs, ${fmt(res.majority.trainSizeAccuracy)} on training-size ones`);
          if (stoppedEarly(f, res.results.some((m) => m.interrupted))) return;
        }
      } finally {
        interrupt.close();
      }
      const mean = (model: GraphPathsModelKind, key: 'accuracy' | 'trainSizeAccuracy' | 'steps' | 'parameters'): number | null => {
        const v = all.map((rs) => rs.find((m) => m.model === model)).filter((m) => m !== undefined).map((m) => (m as GraphPathsModelResult)[key]);
        return v.length ? v.reduce((a, b) => a + b, 0) / v.length : null;
      };
      const models = Object.fromEntries(f.models.map((m) => [m, {
        accuracy: mean(m, 'accuracy'), train_size_accuracy: mean(m, 'trainSizeAccuracy'), parameters: mean(m, 'parameters'), steps: mean(m, 'steps'),
      }]));
      const lead = f.models[0];
      const table = f.models.map((m) => `${m} ${fmt(mean(m, 'accuracy') as number)} (training sizes ${fmt(mean(m, 'trainSizeAccuracy') as number)})`).join(', ');
      const result = {
        task: 'graph-paths', cell: lead, length: d.testNodes[1], metric: 'accuracy', value: mean(lead, 'accuracy') as number,
        baseline: lead !== 'lstm' && f.models.includes('lstm') ? mean('lstm', 'accuracy') : null,
        steps: Math.round(mean(lead, 'steps') as number), seconds: seconds(start), models, majority_accuracy: majority,
      };
      reportTask(result, f.json, `per-node accuracy on held-out ${d.testNodes.join('-')}-node graphs, mean of ${runs(n)}: ${table}; most frequent class: ${fmt(majority)}`);
    });
}
