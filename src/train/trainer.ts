// Training character-level language models: the corpus becomes batches (random windows, or one
// stream in order for truncated BPTT), the model and optimizer come from the options (or from the
// checkpoint, on --resume), and fit() runs the loop: cross-entropy, AdamW, clipping, the schedule,
// evaluation with a sample at each tenth of the budget, checkpoints that resume exactly.

import { Rng } from '../tensor/random.js';
import { detach } from '../autograd/ops/copy.js';
import { AdamW } from '../optim/adamw.js';
import { BudgetCosine, LinearWarmup } from '../optim/schedules.js';
import type { LRScheduler } from '../optim/lr_scheduler.js';
import { Vocab } from '../data/vocab.js';
import { splitTrainVal } from '../data/split.js';
import { RandomWindowSampler, StreamBatcher, type StreamBatcherState } from '../data/batches.js';
import { CharModel, type CharModelState } from './char_model.js';
import { evaluate } from './evaluate.js';
import { charTrainingMemory } from './char_model_memory.js';
import { checkMemory } from '../nn/memory_estimate.js';
import { sample } from './sample.js';
import { TRAIN_DEFAULTS, validateOptions, type TrainOptions } from './options.js';
import { expectModel } from './checkpoint.js';
import { loadCheckpoint } from './checkpoint_file.js';
import { forwardBackward, forwardLoss } from './train_step.js';
import { onHostBackend, stateStorages } from './host_pass.js';
import { getBackend } from '../backend/backend.js';
import { fit, type StepInfo } from './fit.js';
import { resumableRng, type FitState, type Resumable } from './fit_state.js';
import { modelCheckpoint, loadFitState } from './fit_state_file.js';
import { setThreads } from '../backend/wasm/module.js';

export type { StepInfo } from './fit.js';

export interface TrainCallbacks {
  onStart?(info: { model: CharModel; vocab: Vocab; trainChars: number; valChars: number; resumedAt: number }): void;
  onStep?(info: StepInfo): void;
  onEval?(info: { step: number; valLoss: number; elapsed: number; sample: string }): void;
  onCheckpoint?(info: { step: number; path: string }): void;
  /** Polled every step; returning true stops after this step with a checkpoint. */
  shouldStop?(): boolean;
}

export interface TrainRun {
  /** Corpus text (already prepared: BOM stripped, line ends normalised). */
  text: string;
  options?: Partial<TrainOptions>;
  /** Where the model checkpoint goes (null: nowhere). The training state goes beside it. */
  out: string | null;
  /** Continue from the checkpoint at `out` instead of starting afresh. */
  resume?: boolean;
  callbacks?: TrainCallbacks;
}

export interface TrainResult {
  model: CharModel;
  vocab: Vocab;
  steps: number;
  elapsed: number;
  tokensPerSec: number;
  /** Mean loss over the last steps (nats/char). */
  trainLoss: number;
  /** Validation loss over the whole validation split (nats/char). */
  valLoss: number;
  sample: string;
  stopped: 'budget' | 'interrupted';
}

/** The schedule of a run: warm-up, then cosine decay over the budget to lr·minLrRatio (or constant). */
function scheduleFor(o: TrainOptions, opt: AdamW): LRScheduler | undefined {
  if (o.schedule === 'cosine') return new BudgetCosine(opt, { warmupSteps: o.warmupSteps, minLr: o.lr * o.minLrRatio });
  return o.warmupSteps > 0 ? new LinearWarmup(opt, { warmupSteps: o.warmupSteps }) : undefined;
}

export async function trainCharModel(run: TrainRun): Promise<TrainResult> {
  const cb = run.callbacks ?? {};
  let resume: FitState | null = null;
  let o: TrainOptions = { ...TRAIN_DEFAULTS, ...run.options };
  let model: CharModel, vocab: Vocab;
  if (run.resume) {
    if (!run.out) throw new Error('--resume needs the checkpoint path (--out) to continue from');
    const loaded = loadCheckpoint(run.out);
    resume = loadFitState(run.out, loaded.step);
    const saved = resume.options as TrainOptions;
    // The run's settings come from the checkpoint; only the budget and the thread count may be changed on resume.
    o = {
      ...TRAIN_DEFAULTS, ...saved, steps: run.options?.steps ?? saved.steps, time: run.options?.time ?? saved.time,
      threads: run.options?.threads ?? TRAIN_DEFAULTS.threads,
      maxMemory: run.options?.maxMemory ?? TRAIN_DEFAULTS.maxMemory, maxVocab: run.options?.maxVocab ?? TRAIN_DEFAULTS.maxVocab,
    };
    model = expectModel(loaded, CharModel, 'a character-level language model', '--resume'); vocab = loaded.vocabs.text;
  } else {
    validateOptions(o);
    vocab = Vocab.fromText(run.text);
    if (vocab.size > o.maxVocab) {
      throw new Error(`expected a corpus of at most ${o.maxVocab} distinct characters (each one is a row of the embedding and of the output layer), ` +
        `got ${vocab.size}: raise the limit with --max-vocab ${vocab.size} or use a corpus with fewer distinct characters`);
    }
    const config = {
      vocabSize: vocab.size, cell: o.cell, hiddenSize: o.hiddenSize, numLayers: o.numLayers,
      embeddingSize: o.embeddingSize, dropout: o.dropout, forgetBias: o.cell === 'lstm' ? o.forgetBias : undefined,
    };
    checkMemory(charTrainingMemory(config, o.batchSize, o.seqLen), o.maxMemory);
    model = new CharModel(config, { rng: new Rng(o.seed) });
  }
  validateOptions(o);

  const ids = vocab.encode(run.text);
  const { train, val } = splitTrainVal(ids, o.valFraction, { minLength: o.seqLen + 1 });
  const batchRng = new Rng(o.seed + 1);
  const dropoutRng = new Rng(o.seed + 2);
  const sampleRng = new Rng(o.seed + 3);
  model.rng = dropoutRng;
  const sampler = o.stateful ? null : new RandomWindowSampler(train, { batchSize: o.batchSize, seqLen: o.seqLen, rng: batchRng });
  const stream = o.stateful ? new StreamBatcher(train, { batchSize: o.batchSize, seqLen: o.seqLen }) : null;
  const opt = new AdamW(model.parameters(), { lr: o.lr, weightDecay: o.weightDecay, betas: [o.beta1, o.beta2] });
  // Truncated BPTT: the state at the end of one chunk starts the next, its history cut.
  let carried: CharModelState | null = null;
  const resumables: Record<string, Resumable> = {
    batchRng: resumableRng(batchRng), dropoutRng: resumableRng(dropoutRng), sampleRng: resumableRng(sampleRng),
  };
  if (stream) {
    resumables.stream = { stateDict: () => ({ meta: stream.stateDict() }), loadStateDict: (s) => stream.loadStateDict(s.meta as StreamBatcherState) };
    resumables.carried = {
      stateDict: () => ({ tensors: Object.fromEntries((carried ?? []).map((t, i) => [String(i), t])) }),
      loadStateDict: (s) => { const ts = Object.values(s.tensors ?? {}); carried = ts.length ? ts : null; },
    };
  }
  const startStep = resume?.step ?? 0;
  cb.onStart?.({ model, vocab, trainChars: train.length, valChars: val.length, resumedAt: startStep });

  let lastSample = '';
  const evaluateNow = (maxChars?: number): Record<string, number> => {
    const valLoss = evaluate(model, val, maxChars === undefined ? {} : { maxChars });
    lastSample = sample(model, vocab, { length: o.sampleLength, rng: sampleRng, temperature: 0.8 });
    return { valLoss };
  };
  // Threads: the backend's (its kernels cut their work between them); 0 keeps its default.
  if (o.threads > 0) setThreads(o.threads);
  const res = await fit({
    model, optimizer: opt, scheduler: scheduleFor(o, opt), clip: o.clip, steps: o.steps, seconds: o.time,
    data: () => {
      if (!stream) return { ...sampler!.next(), T: o.seqLen };
      const chunk = stream.next();
      if (chunk.first) carried = null;
      return { inputs: chunk.inputs, targets: chunk.targets, T: chunk.length };
    },
    // A backend that reads back asynchronously (WebGPU) hands fit the loss tensor, which fit awaits.
    ...(getBackend().asyncReadback ? {
      loss: (b: { inputs: Int32Array; targets: Int32Array; T: number }) => {
        const { loss, state } = forwardLoss(model, b.inputs, b.targets, o.batchSize, b.T, carried);
        carried = stream ? state.map((s) => detach(s)) : null;
        return loss;
      },
    } : {
      trainStep: (b: { inputs: Int32Array; targets: Int32Array; T: number }) => {
        const { loss, state } = forwardBackward(model, b.inputs, b.targets, o.batchSize, b.T, carried);
        carried = stream ? state.map((s) => detach(s)) : null;
        return loss;
      },
    }),
    unitsOf: (b) => o.batchSize * b.T,
    evaluate: () => evaluateNow(o.evalChars), evalEvery: o.evalEvery,
    checkpoint: run.out ? modelCheckpoint(run.out, model, { text: vocab }, { every: o.checkpointEvery, options: o }) : undefined,
    resumables, resume,
    callbacks: {
      onStep: cb.onStep?.bind(cb),
      onEval: ({ step, elapsed, metrics }) => cb.onEval?.({ step, valLoss: metrics.valLoss, elapsed, sample: lastSample }),
      onCheckpoint: cb.onCheckpoint?.bind(cb),
      shouldStop: cb.shouldStop?.bind(cb),
    },
  });
  const { valLoss } = await onHostBackend(stateStorages(model.parameters(), null), () => evaluateNow());
  cb.onEval?.({ step: res.steps, valLoss, elapsed: res.elapsed, sample: lastSample });
  return {
    model, vocab, steps: res.steps, elapsed: res.elapsed, tokensPerSec: res.tokensPerSec, trainLoss: res.loss, valLoss, sample: lastSample,
    stopped: res.stopped === 'interrupted' ? 'interrupted' : 'budget',
  };
}
