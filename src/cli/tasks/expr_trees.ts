// `unfold tasks expr-trees`: regress the value of arithmetic expressions (+, −, × over 0 … 9) with
// tree nets reading the expression tree against an LSTM reading the parenthesised tokens
// (src/tasks/expr_trees.ts). The JSON result line carries the first model's held-out root MSE as
// `value` and the LSTM's as `baseline`, with every model's MSE and R².

import { Command } from 'commander';
import { exprTrees, type ExprModelKind, type ExprModelResult } from '../../tasks/expr_trees.js';
import { MAX_EXPR_DEPTH } from '../../tasks/expr_trees_data.js';
import { choice, float, int, learningRate } from '../parse.js';
import { onInterrupt } from '../interrupt.js';
import { checkpointOptions, runFolder, stoppedEarly, type CheckpointFlags } from '../task_checkpoints.js';
import { fmt, reportTask, runs, say, seconds, taskOptions, type TaskFlags } from '../task_report.js';

interface ExprTreesFlags extends TaskFlags, CheckpointFlags {
  train: number; test: number; depth: number; hidden: number; embedding: number; epochs: number; batch: number; lr: number;
  time?: number; models: ExprModelKind[];
}

const MODELS: ExprModelKind[] = ['tree-lstm', 'recursive', 'lstm', 'bilstm'];

function modelList(v: string): ExprModelKind[] {
  return v.split(',').map((m) => choice(...MODELS)(m.trim()));
}

export function exprTreesTask(): Command {
  const cmd = new Command('expr-trees')
    .description('value of arithmetic expression trees (+, -, x over 0-9): Tree-LSTM and recursive net vs an LSTM over the flattened expression')
    .option('--train <n>', 'training expressions (distinct)', int(1), 2000)
    .option('--test <n>', 'held-out expressions (distinct, none seen in training)', int(1), 500)
    .option('--depth <n>', `most nested operators (at most ${MAX_EXPR_DEPTH})`, int(1, MAX_EXPR_DEPTH), 3)
    .option('--hidden <n>', 'state size of every model', int(1), 48)
    .option('--embedding <n>', 'token embedding size', int(1), 16)
    .option('--epochs <n>', 'training epochs per model at most', int(1), 30)
    .option('--batch <n>', 'expressions per tree batch (LSTM batches: 4x as many sub-expressions)', int(1), 16)
    .option('--lr <x>', 'Adam learning rate', learningRate(), 0.005)
    .option('--time <s>', 'training budget per model and run, in seconds', float(0), 150)
    .option('--models <list>', `comma-separated, from ${MODELS.join(', ')}`, modelList, ['tree-lstm', 'recursive', 'lstm']);
  cmd.addHelpText('after', `
Every node is labelled with its value (sub-expressions with any |value| > 100 are redrawn); all
models are trained on every sub-expression's value divided by the training roots' standard
deviation. Reported: held-out root MSE in the values' units and R^2 = 1 - MSE / variance.`);
  return checkpointOptions(taskOptions(cmd, '1'))
    .action(async (f: ExprTreesFlags) => {
      const start = performance.now();
      const interrupt = onInterrupt((t) => process.stderr.write(`${t}\n`));
      const n = f.runs ?? 1;
      const all: ExprModelResult[][] = [];
      let meanPredictor = 0;
      for (let r = 0; r < n; r++) {
        const res = await exprTrees({
          checkpointDir: runFolder(f, r), resume: f.resume, shouldStop: interrupt.requested, maxMemory: f.maxMemory,
          seed: f.seed + r, trainSize: f.train, testSize: f.test, maxDepth: f.depth, hiddenSize: f.hidden, embeddingSize: f.embedding,
          epochs: f.epochs, batchSize: f.batch, phraseBatchSize: 4 * f.batch, lr: f.lr, timeSeconds: f.time, models: f.models,
          onEpoch: (m, e, loss, s) => process.stderr.write(`run ${r + 1} ${m} epoch ${e}: loss ${fmt(loss)} (${s.toFixed(1)} s)\n`),
        });
        all.push(res.results);
        meanPredictor += res.meanPredictorMse / n;
        for (const m of res.results) {
          say(f.json, `run ${r + 1} ${m.model}: held-out root MSE ${fmt(m.mse)}, R^2 ${fmt(m.r2)}, all-node MSE ${fmt(m.nodeMse)} ` +
            `(train root MSE ${fmt(m.trainMse)}; ${m.epochs} epochs, ${m.steps} steps, ${m.seconds.toFixed(1)} s)`);
        }
        if (stoppedEarly(f, res.results.some((m) => m.interrupted))) { interrupt.close(); return; }
      }
      const mean = (model: ExprModelKind, key: 'mse' | 'r2' | 'nodeMse'): number | null => {
        const v = all.map((rs) => rs.find((m) => m.model === model)).filter((m) => m !== undefined).map((m) => (m as ExprModelResult)[key]);
        return v.length ? v.reduce((a, b) => a + b, 0) / v.length : null;
      };
      const models = Object.fromEntries(f.models.map((m) => [m, { mse: mean(m, 'mse'), r2: mean(m, 'r2'), node_mse: mean(m, 'nodeMse') }]));
      const lead = f.models[0];
      const table = f.models.map((m) => `${m} ${fmt(mean(m, 'mse') as number)} (R^2 ${fmt(mean(m, 'r2') as number)})`).join(', ');
      const result = {
        task: 'expr-trees', cell: lead, length: f.depth, metric: 'mse', value: mean(lead, 'mse') as number,
        baseline: lead !== 'lstm' && f.models.includes('lstm') ? mean('lstm', 'mse') : null,
        steps: all[0].find((m) => m.model === lead)?.steps ?? 0, seconds: seconds(start), models, mean_predictor_mse: meanPredictor,
      };
      reportTask(result, f.json, `held-out root MSE, mean of ${runs(n)}: ${table}; predicting the mean: ${fmt(meanPredictor)}`);
      interrupt.close();
    });
}
