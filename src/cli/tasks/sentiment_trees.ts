// `unfold tasks sentiment-trees`: Tree-LSTM against a sequential and a bidirectional LSTM on
// generated sentences with negation and contrast (src/tasks/sentiment_trees.ts), evaluated on
// held-out sentences longer than any seen in training. The JSON result line carries the
// Tree-LSTM's root accuracy as `value` and the sequential LSTM's as `baseline`.

import { Command } from 'commander';
import { sentimentTrees, type SentimentModelKind, type SentimentModelResult } from '../../tasks/sentiment_trees.js';
import { choice, float, int, learningRate } from '../parse.js';
import { onInterrupt } from '../interrupt.js';
import { checkpointOptions, runFolder, stoppedEarly, type CheckpointFlags } from '../task_checkpoints.js';
import { fmt, reportTask, runs, say, seconds, taskOptions, type TaskFlags } from '../task_report.js';

interface SentimentTreesFlags extends TaskFlags, CheckpointFlags {
  train: number; test: number; hidden: number; embedding: number; epochs: number; batch: number; lr: number;
  time?: number; models: SentimentModelKind[];
}

const MODELS: SentimentModelKind[] = ['tree-lstm', 'lstm', 'bilstm'];

function modelList(v: string): SentimentModelKind[] {
  return v.split(',').map((m) => choice(...MODELS)(m.trim()));
}

export function sentimentTreesTask(): Command {
  const cmd = new Command('sentiment-trees')
    .description('Tree-LSTM vs LSTM and BiLSTM on sentences with negation and contrast; held-out sentences longer than any in training')
    .option('--train <n>', 'training sentences (1 to 3 clauses)', int(1), 1000)
    .option('--test <n>', 'held-out sentences (4 or 5 clauses, longer than every training sentence)', int(1), 300)
    .option('--hidden <n>', 'state size of every model', int(1), 48)
    .option('--embedding <n>', 'word embedding size', int(1), 32)
    .option('--epochs <n>', 'training epochs per model at most', int(1), 20)
    .option('--batch <n>', 'sentences per Tree-LSTM batch (LSTM batches: 4x as many phrases)', int(1), 16)
    .option('--lr <x>', 'Adam learning rate', learningRate(), 0.01)
    .option('--time <s>', 'training budget per model and run, in seconds', float(0), 150)
    .option('--models <list>', `comma-separated, from ${MODELS.join(', ')}`, modelList, MODELS);
  cmd.addHelpText('after', `
Labels (0 negative, 1 neutral, 2 positive) are set at every node by rules: adjectives carry their
polarity, "not"/"never" flip it, "very"/"really"/"so" keep it, "but"/"yet" take the right clause,
"though"/"although" the left one, "and"/"," merge (agreeing or one neutral: the other; else neutral).
Every model is trained on every phrase's label (the LSTMs read each phrase's words).`);
  return checkpointOptions(taskOptions(cmd, '1'))
    .action(async (f: SentimentTreesFlags) => {
      const start = performance.now();
      const interrupt = onInterrupt((t) => process.stderr.write(`${t}\n`));
      const n = f.runs ?? 1;
      const all: SentimentModelResult[][] = [];
      let info = { maxTrainWords: 0, testWords: [0, 0] as [number, number], majority: 0 };
      for (let r = 0; r < n; r++) {
        const res = await sentimentTrees({
          checkpointDir: runFolder(f, r), resume: f.resume, shouldStop: interrupt.requested, maxMemory: f.maxMemory,
          seed: f.seed + r, trainSize: f.train, testSize: f.test, hiddenSize: f.hidden, embeddingSize: f.embedding,
          epochs: f.epochs, batchSize: f.batch, phraseBatchSize: 4 * f.batch, lr: f.lr, timeSeconds: f.time, models: f.models,
          onEpoch: (m, e, loss, s) => process.stderr.write(`run ${r + 1} ${m} epoch ${e}: loss ${fmt(loss)} (${s.toFixed(1)} s)\n`),
        });
        all.push(res.results);
        info = { maxTrainWords: res.maxTrainWords, testWords: res.testWords, majority: res.majorityRootAccuracy };
        for (const m of res.results) {
          say(f.json, `run ${r + 1} ${m.model}: root accuracy ${fmt(m.rootAccuracy)}, all-node accuracy ${fmt(m.nodeAccuracy)} ` +
            `(train root ${fmt(m.trainRootAccuracy)}; ${m.epochs} epochs, ${m.steps} steps, ${m.seconds.toFixed(1)} s)`);
        }
        if (stoppedEarly(f, res.results.some((m) => m.interrupted))) { interrupt.close(); return; }
      }
      const mean = (model: SentimentModelKind, key: 'rootAccuracy' | 'nodeAccuracy'): number | null => {
        const v = all.map((rs) => rs.find((m) => m.model === model)).filter((m) => m !== undefined).map((m) => (m as SentimentModelResult)[key]);
        return v.length ? v.reduce((a, b) => a + b, 0) / v.length : null;
      };
      const models = Object.fromEntries(f.models.map((m) => [m, { root_accuracy: mean(m, 'rootAccuracy'), node_accuracy: mean(m, 'nodeAccuracy') }]));
      const lead = f.models[0];
      const steps = all[0].find((m) => m.model === lead)?.steps ?? 0;
      const table = f.models.map((m) => `${m} ${fmt(mean(m, 'rootAccuracy') as number)} / ${fmt(mean(m, 'nodeAccuracy') as number)}`).join(', ');
      const result = {
        task: 'sentiment-trees', cell: lead, length: info.testWords[1], metric: 'root_accuracy', value: mean(lead, 'rootAccuracy') as number,
        baseline: lead !== 'lstm' && f.models.includes('lstm') ? mean('lstm', 'rootAccuracy') : null, steps, seconds: seconds(start),
        models, max_train_words: info.maxTrainWords, test_words: info.testWords, majority_root_accuracy: info.majority,
      };
      reportTask(result, f.json, `held-out sentences of ${info.testWords[0]}-${info.testWords[1]} words (training: at most ${info.maxTrainWords}), ` +
        `mean of ${runs(n)}, root / all-node accuracy: ${table}; majority class ${fmt(info.majority)}`);
      interrupt.close();
    });
}
