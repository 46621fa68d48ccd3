// `unfold tasks expr-parse`: infix arithmetic strings ("(3 + 4) * 2 - 5") to expression trees
// (src/tasks/expr_parse.ts), the seq2tree tree decoder against a seq2seq model writing the bracketed
// prefix form; trained on short strings, exact tree match on held-out strings of the training
// lengths and longer. The JSON result line carries the tree decoder's exact match on the longer
// strings as `value` and the sequence decoder's as `baseline`.

import { Command } from 'commander';
import { EXPR_PARSE_DEFAULTS, exprParse, type ExprParseModel, type ExprParseModelResult } from '../../tasks/expr_parse.js';
import { MAX_INFIX_OPERATORS } from '../../tasks/expr_parse_data.js';
import { MAX_BEAM_WIDTH } from '../../seq2seq/beam_search.js';
import { choice, float, int, learningRate } from '../parse.js';
import { onInterrupt } from '../interrupt.js';
import { createProgress } from '../progress.js';
import { checkpointOptions, runFolder, stoppedEarly, type CheckpointFlags } from '../task_checkpoints.js';
import { reportTask, runs, say, seconds, taskOptions, type TaskFlags, type TaskResult } from '../task_report.js';

interface ExprParseFlags extends TaskFlags, CheckpointFlags {
  trainOps: number; testOps: number; test: number; hidden: number; embedding: number; batch: number; lr: number;
  steps: number; time: number; beam: number; models: ExprParseModel[];
}

const MODELS: ExprParseModel[] = ['tree', 'seq'];
const pct = (x: number): string => (Number.isNaN(x) ? '-' : `${(100 * x).toFixed(1)}%`);

function modelList(v: string): ExprParseModel[] {
  return v.split(',').map((m) => choice(...MODELS)(m.trim()));
}

export function exprParseTask(): Command {
  const d = EXPR_PARSE_DEFAULTS;
  const cmd = new Command('expr-parse')
    .description('infix arithmetic strings to expression trees: a seq2tree tree decoder vs a seq2seq model writing the bracketed prefix form, tested on longer strings than trained on')
    .option('--train-ops <n>', `training strings have 1 to n operators (at most ${MAX_INFIX_OPERATORS})`, int(1, MAX_INFIX_OPERATORS), d.trainOperators)
    .option('--test-ops <n>', `held-out strings have 1 to n operators (at most ${MAX_INFIX_OPERATORS})`, int(1, MAX_INFIX_OPERATORS), d.testOperators)
    .option('--test <n>', 'held-out strings per length', int(1), d.testSize)
    .option('--hidden <n>', 'hidden units of encoder and decoder (both models)', int(1), d.hiddenSize)
    .option('--embedding <n>', 'embedding width', int(1), d.embeddingSize)
    .option('--batch <n>', 'strings per batch', int(1), d.batchSize)
    .option('--lr <x>', 'peak learning rate of Adam, cosine-decayed', learningRate(), d.lr)
    .option('--steps <n>', 'training steps per model (the same for both: the same examples seen)', int(1), d.steps)
    .option('--time <s>', 'training seconds per model at most, whichever of steps and time runs out first (0: no cap)', float(0), d.time)
    .option('--beam <k>', `beam width at test time (0: greedy; at most ${MAX_BEAM_WIDTH})`, int(0, MAX_BEAM_WIDTH), d.beamWidth)
    .option('--models <list>', `comma-separated, from ${MODELS.join(', ')}`, modelList, MODELS);
  cmd.addHelpText('after', `
Strings use single digits and + - * / with the usual precedence, left associative, with brackets
only where the tree needs them. The tree decoder writes each operator node as "op a b" (an inner
operand as <n>, expanded afterwards); the sequence model writes "(-(*(+34)2)5)", counted right only
when it parses to the same tree. Both read the string with the same bidirectional LSTM encoder.`);
  return checkpointOptions(taskOptions(cmd, '1'))
    .action(async (f: ExprParseFlags) => {
      const start = performance.now();
      const interrupt = onInterrupt((t) => process.stderr.write(`${t}\n`));
      const n = f.runs ?? 1;
      const all: ExprParseModelResult[][] = [];
      try {
        for (let r = 0; r < n; r++) {
          const progress = createProgress();
          let res: ExprParseModelResult[];
          try {
            res = await exprParse({
              models: f.models, trainOperators: f.trainOps, testOperators: f.testOps, testSize: f.test, hiddenSize: f.hidden, embeddingSize: f.embedding,
              batchSize: f.batch, lr: f.lr, steps: f.steps, time: f.time, beamWidth: f.beam, seed: f.seed + r, maxMemory: f.maxMemory,
              checkpointDir: runFolder(f, r), resume: f.resume,
              callbacks: (m) => { progress.log(`run ${r + 1}: ${m}`); return { onStep: (i) => progress.update(i), shouldStop: interrupt.requested }; },
            });
          } finally { progress.stop(); }
          all.push(res);
          for (const m of res) {
            say(f.json, `run ${r + 1} ${m.model}: exact match ${pct(m.short)} on 1-${f.trainOps} operators, ${pct(m.long)} on ${f.trainOps + 1}-${f.testOps} ` +
              `(${m.steps} steps, ${m.trainSeconds.toFixed(0)} s, ${m.parameters} parameters)`);
            say(f.json, `  per length: ${m.perLength.map((p) => `${p.operators}: ${pct(p.exact)}`).join(', ')}`);
            for (const e of m.examples.slice(-2)) say(f.json, `  ${JSON.stringify(e.source)} -> ${e.output ?? '(no tree)'}${e.output === e.target ? '' : ` (expected ${e.target})`}`);
          }
          if (stoppedEarly(f, res.some((m) => m.interrupted))) return;
        }
      } finally {
        interrupt.close();
      }
      const mean = (model: ExprParseModel, key: 'short' | 'long'): number | null => {
        const v = all.map((rs) => rs.find((m) => m.model === model)).filter((m) => m !== undefined).map((m) => (m as ExprParseModelResult)[key]);
        return v.length ? v.reduce((a, b) => a + b, 0) / v.length : null;
      };
      const lead = f.models[0], other = f.models.find((m) => m !== lead);
      const models = Object.fromEntries(f.models.map((m) => [m, {
        short: mean(m, 'short'), long: mean(m, 'long'),
        per_length: all[0].find((x) => x.model === m)?.perLength.map((p) => p.exact) ?? null,
      }]));
      // With --test-ops not above --train-ops there are no longer strings: the training lengths' figure stands in.
      const key = f.testOps > f.trainOps ? 'long' : 'short';
      const result: TaskResult & Record<string, unknown> = {
        task: 'expr-parse', cell: lead, length: f.testOps, metric: 'exact_match', value: mean(lead, key) as number,
        baseline: other ? mean(other, key) : null, steps: all[0][0].steps, seconds: seconds(start),
        train_ops: f.trainOps, beam: f.beam, models,
      };
      const line = f.models.map((m) => `${m} ${pct(mean(m, 'short') as number)} / ${pct(mean(m, 'long') as number)}`).join(', ');
      reportTask(result, f.json, `exact tree match, training lengths / longer, mean of ${runs(n)}: ${line}`);
    });
}
