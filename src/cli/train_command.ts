// `unfold train [corpus]`: trains a character-level language model with a progress bar, evaluates
// and samples at intervals, checkpoints, and prints a sample at the end. Ctrl-C stops cleanly with a
// checkpoint; --resume continues from it.

import { Command } from 'commander';
import { readCorpusSync } from '../data/corpus_file.js';
import { prepareCorpus } from '../data/corpus.js';
import { trainCharModel } from '../train/trainer.js';
import { TRAIN_DEFAULTS, type TrainOptions } from '../train/options.js';
import { metricsPathFor } from '../train/checkpoint.js';
import { MetricsLog } from '../train/metrics_log.js';
import { defaultCorpus } from './default_corpus.js';
import { createProgress } from './progress.js';
import { interruptExitStatus, onInterrupt } from './interrupt.js';
import { choice, filePath, float, int, learningRate, memorySize } from './parse.js';
import { finiteMetric } from './finite_metric.js';
import { Dashboard, dashboardCallbacks } from '../viz/dashboard.js';
import { readMetrics } from '../viz/metrics_reader.js';

export const DEFAULT_CHECKPOINT = 'runs/char.safetensors';

interface TrainFlags {
  cell?: TrainOptions['cell']; hidden?: number; layers?: number; embedding?: number; seqLen?: number; batch?: number;
  lr?: number; minLrRatio?: number; warmup?: number; dropout?: number; clip?: number; weightDecay?: number; beta1?: number; beta2?: number; schedule?: TrainOptions['schedule'];
  steps?: number; time?: number; seed?: number; evalEvery?: number; checkpointEvery?: number; evalChars?: number; stateful?: boolean;
  out: string; resume?: boolean; forgetBias?: number; dashboard?: boolean; port?: number; threads?: number;
  maxMemory?: number; maxVocab?: number;
}

export function trainCommand(): Command {
  const d = TRAIN_DEFAULTS;
  return new Command('train')
    .description('train a character-level language model on a text file (default: the built-in corpus)')
    .argument('[corpus]', 'UTF-8 text file to learn from')
    .option('--cell <type>', `recurrent cell: rnn, lstm or gru (default ${d.cell})`, choice('rnn', 'lstm', 'gru'))
    .option('--hidden <n>', `hidden units per layer (default ${d.hiddenSize})`, int(1))
    .option('--layers <n>', `stacked layers (default ${d.numLayers})`, int(1))
    .option('--embedding <n>', `character embedding size (default ${d.embeddingSize})`, int(1))
    .option('--seq-len <n>', `time steps per batch (default ${d.seqLen})`, int(1))
    .option('--batch <n>', `sequences per batch (default ${d.batchSize})`, int(1))
    .option('--lr <x>', `peak learning rate (default ${d.lr})`, learningRate())
    .option('--schedule <s>', `learning-rate schedule: cosine or constant (default ${d.schedule})`, choice('cosine', 'constant'))
    .option('--min-lr-ratio <r>', `where the cosine ends, as a fraction of --lr (default ${d.minLrRatio})`, float(0, 1))
    .option('--warmup <steps>', `linear learning-rate warm-up steps (default ${d.warmupSteps})`, int(0))
    .option('--dropout <p>', `dropout between layers and before the output (default ${d.dropout})`, float(0, 0.999))
    .option('--clip <x>', `clip the global gradient norm, 0 for off (default ${d.clip})`, float(0))
    .option('--weight-decay <x>', `decoupled weight decay (default ${d.weightDecay})`, float(0, 1))
    .option('--beta1 <x>', `Adam's decay rate of the gradient's running mean (default ${d.beta1})`, float(0, 1))
    .option('--beta2 <x>', `Adam's decay rate of the gradient's running square (default ${d.beta2})`, float(0, 1))
    .option('--forget-bias <x>', `LSTM forget-gate bias at start (default ${d.forgetBias})`, float(-100, 100))
    .option('--steps <n>', 'stop after this many steps', int(1))
    .option('--time <seconds>', `stop after this much training time (default ${d.time} when --steps is not given)`, float(0))
    .option('--stateful', 'carry the hidden state across consecutive chunks (truncated BPTT)')
    .option('--eval-every <n>', 'evaluate, sample and checkpoint every n steps (default: every tenth of the budget)', int(1))
    .option('--checkpoint-every <n>', 'also save a checkpoint every n steps', int(1))
    .option('--eval-chars <n>', `validation characters for interval evaluations (default ${d.evalChars})`, int(2))
    .option('--seed <n>', `random seed (default ${d.seed})`, int(0))
    .option('--max-memory <size>', 'refuse a run estimated to need more memory than this, such as 512M or 16G (default 4G)', memorySize())
    .option('--max-vocab <n>', `refuse a corpus with more distinct characters than this (default ${d.maxVocab})`, int(1))
    .option('--threads <n>', 'threads the kernels split their work over (default: UNFOLD_THREADS, else every core)', int(1))
    .option('--out <path>', 'checkpoint file (the training state and metrics log go beside it)', filePath(), DEFAULT_CHECKPOINT)
    .option('--resume', 'continue the run saved at --out')
    .option('--dashboard', 'serve a live report of the run on localhost while training')
    .option('--port <n>', 'port of the --dashboard server (default 8000; 0 for any free port)', int(0))
    .action(async (corpus: string | undefined, f: TrainFlags) => {
      const { text, description } = corpus
        ? { text: readCorpusSync(corpus), description: corpus }
        : (() => { const c = defaultCorpus(); return { text: prepareCorpus(c.text), description: c.description }; })();
      const options: Partial<TrainOptions> = {};
      const set = <K extends keyof TrainOptions>(k: K, v: TrainOptions[K] | undefined): void => { if (v !== undefined) options[k] = v; };
      set('cell', f.cell); set('hiddenSize', f.hidden); set('numLayers', f.layers); set('embeddingSize', f.embedding);
      set('seqLen', f.seqLen); set('batchSize', f.batch); set('lr', f.lr); set('minLrRatio', f.minLrRatio); set('warmupSteps', f.warmup); set('dropout', f.dropout); set('clip', f.clip);
      set('weightDecay', f.weightDecay); set('beta1', f.beta1); set('beta2', f.beta2); set('schedule', f.schedule); set('seed', f.seed); set('evalEvery', f.evalEvery); set('checkpointEvery', f.checkpointEvery);
      set('evalChars', f.evalChars); set('stateful', f.stateful); set('forgetBias', f.forgetBias);
      set('threads', f.threads); set('maxMemory', f.maxMemory); set('maxVocab', f.maxVocab);
      set('steps', f.steps);
      // --steps alone means no time limit; --time alone, no step limit.
      if (f.time !== undefined) set('time', f.time); else if (f.steps !== undefined) set('time', 0);
      if (f.steps === undefined && f.time !== undefined) set('steps', 0);

      // The live report: loss at every step, a fresh analysis of the model at every evaluation.
      const dash = f.dashboard ? await Dashboard.start({ port: f.port ?? 8000, title: `unfold training: ${description}` }) : null;
      const live = dash ? dashboardCallbacks(dash, text) : null;
      if (dash && f.resume && f.out) dash.loadCurves(readMetrics(metricsPathFor(f.out)));
      if (dash) process.stdout.write(`dashboard: ${dash.url}\n`);
      // Opened once training has started, so that a run refused for bad input keeps the old log.
      let log = null as MetricsLog | null;
      const progress = createProgress();
      const interrupt = onInterrupt((t) => progress.log(t));
      try {
        const result = await trainCharModel({
          text, options, out: f.out, resume: f.resume,
          callbacks: {
            onStart: (info) => {
              live?.onStart?.(info);
              const { model, vocab, trainChars, valChars, resumedAt } = info;
              if (f.out) log = new MetricsLog(metricsPathFor(f.out), f.resume ?? false);
              const c = model.config;
              progress.log(`corpus: ${description}; ${trainChars} training / ${valChars} validation characters, vocabulary ${vocab.size}`);
              progress.log(`model: ${c.numLayers}-layer ${c.cell.toUpperCase()}, hidden ${c.hiddenSize}, embedding ${c.embeddingSize}, ${model.numParameters()} parameters${resumedAt ? `; resuming at step ${resumedAt}` : ''}`);
            },
            onStep: (i) => { live?.onStep?.(i); progress.update(i); log?.write({ kind: 'step', step: i.step, loss: i.loss, lr: i.lr, elapsed: i.elapsed, tokensPerSec: i.tokensPerSec }); },
            onEval: (e) => {
              live?.onEval?.(e);
              progress.log(`step ${e.step}: validation ${e.valLoss.toFixed(4)} nats/char | ${JSON.stringify(e.sample.slice(0, 70))}`);
              log?.write({ kind: 'eval', step: e.step, valLoss: e.valLoss, elapsed: e.elapsed });
            },
            shouldStop: interrupt.requested,
          },
        });
        progress.stop();
        const how = result.stopped === 'interrupted' ? 'stopped early' : 'done';
        process.stdout.write(`\n${how}: ${result.steps} steps in ${result.elapsed.toFixed(0)} s, ${Math.round(result.tokensPerSec)} tokens/s\n`);
        process.stdout.write(`validation loss ${finiteMetric(result.valLoss, 'validation loss').toFixed(4)} nats/char (train ${finiteMetric(result.trainLoss, 'training loss').toFixed(4)})\n`);
        if (f.out) process.stdout.write(`checkpoint: ${f.out}\n`);
        process.stdout.write(`\nsample:\n${result.sample}\n`);
        if (result.stopped === 'interrupted') process.exitCode = interruptExitStatus();
        else if (dash) {
          // Keep the finished run's report up until the user is done with it.
          process.stdout.write(`\ndashboard still serving at ${dash.url} (Ctrl-C to exit)\n`);
          interrupt.close();
          await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
        }
      } finally {
        progress.stop();
        log?.close();
        interrupt.close();
        await dash?.close();
      }
    });
}
