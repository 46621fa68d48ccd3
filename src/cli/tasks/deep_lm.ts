// `unfold tasks deep-lm <corpus>`: deep transition, deep output, recurrent highway and highway-stack
// character models against a plain stacked LSTM of the same parameter count, each trained for the
// same seconds (src/tasks/deep_lm.ts); one result line per model, validation nats/char, with the
// stacked LSTM's figure as the baseline.

import { Command, InvalidArgumentError } from 'commander';
import { DEEP_KINDS, type DeepKind } from '../../tasks/deep_char_model.js';
import { DEEP_LM_DEFAULTS, runDeepLm, type DeepLmResult } from '../../tasks/deep_lm.js';
import { readCorpusSync } from '../../data/corpus_file.js';
import { float, int, learningRate } from '../parse.js';
import { fmt, reportTask, say, seconds, taskOptions, type TaskResult } from '../task_report.js';
import { onInterrupt } from '../interrupt.js';

interface DeepLmFlags {
  models?: DeepKind[]; steps?: number; time?: number; hidden?: number; layers?: number; depth?: number; lr?: number; batch?: number;
  seqLen?: number; evalChars?: number; dropout?: number; seed: number; json?: boolean; runs?: number;
}

function kindList(v: string): DeepKind[] {
  const xs = v.split(',').map((s) => s.trim());
  const bad = xs.find((s) => !(DEEP_KINDS as readonly string[]).includes(s));
  if (bad !== undefined || xs.length === 0) throw new InvalidArgumentError(`expected a comma-separated list of ${DEEP_KINDS.join(', ')}, got '${v}'`);
  return xs as DeepKind[];
}

export function deepLmTask(): Command {
  const d = DEEP_LM_DEFAULTS;
  const cmd = new Command('deep-lm')
    .description('deep transition / deep output / recurrent highway / highway-stack char models vs a stacked LSTM of equal size and training time')
    .argument('<corpus>', 'UTF-8 text file (the last 10 % is the validation split)')
    .option('--models <list>', `models to train, of ${DEEP_KINDS.join(', ')} (default all)`, kindList)
    .option('--steps <n>', 'training steps per model at most (default: no limit)', int(1))
    .option('--time <s>', `seconds of training per model (default ${d.time})`, float(0.01))
    .option('--hidden <n>', `hidden units per layer of the stacked LSTM; the others are sized to its parameter count (default ${d.hiddenSize})`, int(1, 4096))
    .option('--layers <n>', `layers of the lstm and highway stacks (default ${d.layers})`, int(2, 64))
    .option('--depth <n>', `transition depth (dt), recurrence depth (rhn), output MLP layers (do) (default ${d.depth})`, int(1, 64))
    .option('--lr <x>', `AdamW peak learning rate (default ${d.lr})`, learningRate())
    .option('--batch <n>', `sequences per batch (default ${d.batchSize})`, int(1))
    .option('--seq-len <n>', `characters per training window (default ${d.seqLen})`, int(1))
    .option('--dropout <p>', `dropout between layers and before the head (default ${d.dropout})`, float(0, 0.95))
    .option('--eval-chars <n>', 'validation characters scored (default: the whole split)', int(2));
  return taskOptions(cmd, '1').action(async (corpus: string, f: DeepLmFlags) => {
    const start = performance.now();
    const text = readCorpusSync(corpus);
    const interrupt = onInterrupt((t) => process.stderr.write(`${t}\n`));
    const all: DeepLmResult[][] = [];
    try {
      for (let r = 0; r < (f.runs ?? 1) && !interrupt.requested(); r++) {
        all.push(await runDeepLm(text, {
          kinds: f.models, steps: f.steps, time: f.time ?? (f.steps !== undefined ? 0 : undefined), hiddenSize: f.hidden, layers: f.layers,
          depth: f.depth, lr: f.lr, batchSize: f.batch, seqLen: f.seqLen, dropout: f.dropout, evalChars: f.evalChars, seed: f.seed + r,
        }, {
          shouldStop: interrupt.requested,
          onModel: (m) => say(f.json, `deep-lm: training ${m.kind} (hidden ${m.hiddenSize}, ${m.parameters} parameters)`),
        }));
      }
    } finally {
      interrupt.close();
    }
    const runs = all.filter((rs) => rs.length > 0);
    if (runs.length === 0) return;
    const mean = (k: number, pick: (x: DeepLmResult) => number): number => runs.reduce((a, rs) => a + pick(rs[k]), 0) / runs.length;
    const lstmAt = runs[0].findIndex((x) => x.kind === 'lstm');
    const baseline = lstmAt >= 0 ? mean(lstmAt, (x) => x.valLoss) : null;
    runs[0].forEach((x, k) => {
      if (runs.some((rs) => rs.length <= k)) return;
      const value = mean(k, (y) => y.valLoss), steps = Math.round(mean(k, (y) => y.steps));
      const result: TaskResult & { hidden: number; parameters: number; trainSeconds: number; tokensPerSec: number } = {
        task: 'deep-lm', cell: x.kind, length: f.seqLen ?? d.seqLen, metric: 'val_nats_per_char', value, baseline, steps, seconds: seconds(start),
        hidden: x.hiddenSize, parameters: x.parameters, trainSeconds: Math.round(mean(k, (y) => y.seconds)), tokensPerSec: Math.round(mean(k, (y) => y.tokensPerSec)),
      };
      reportTask(result, f.json,
      `deep-lm ${x.kind}: ${fmt(value)} nats/char on validation (hidden ${x.hiddenSize}, ${x.parameters} parameters, ${steps} steps, ${fmt(mean(k, (y) => y.tokensPerSec))} chars/s)` +
        (baseline !== null && x.kind !== 'lstm' ? `; stacked LSTM ${fmt(baseline)}` : ''));
    });
  });
}
