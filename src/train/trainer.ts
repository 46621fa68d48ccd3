// The training loop for character-level language models, in one readable place:
//   sample a batch → forward → cross-entropy → backward → clip → Adam(W) step → (evaluate, sample, save)
// It stops at the step or wall-clock budget, or when asked to (Ctrl-C), and always leaves a
// checkpoint from which --resume continues exactly where it stopped.

import { Rng } from '../tensor/random.js';
import { detach } from '../autograd/ops/copy.js';
import { AdamW } from '../optim/adamw.js';
import { clipGradNorm } from '../optim/clip.js';
import { Vocab } from '../data/vocab.js';
import { splitTrainVal } from '../data/split.js';
import { RandomWindowSampler, StreamBatcher } from '../data/batches.js';
import { CharModel, type CharModelState } from './char_model.js';
import { evaluate } from './evaluate.js';
import { sample } from './sample.js';
import { TRAIN_DEFAULTS, validateOptions, type TrainOptions } from './options.js';
import { loadTrainState, saveTrainState, type ResumePoint } from './train_state.js';
import { expectModel } from './checkpoint.js';
import { loadCheckpoint, saveCheckpoint } from './checkpoint_file.js';
import { forwardBackward } from './train_step.js';
import { setThreads } from '../backend/wasm/module.js';

export interface StepInfo {
  step: number;
  loss: number;
  lr: number;
  /** Seconds of training so far (excluding evaluation and saving). */
  elapsed: number;
  /** Training tokens per second over the run so far. */
  tokensPerSec: number;
  /** Fraction of the budget used, in [0, 1]. */
  progress: number;
}

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

const yieldToEventLoop = (): Promise<void> => new Promise((r) => setImmediate(r));

/** Learning rate at a point of the run: linear warm-up, then cosine to lr·minLrRatio (or constant). */
export function learningRate(o: TrainOptions, step: number, progress: number): number {
  const warm = o.warmupSteps > 0 ? Math.min(1, (step + 1) / o.warmupSteps) : 1;
  if (o.schedule === 'constant') return o.lr * warm;
  const floor = o.lr * o.minLrRatio;
  return warm * (floor + (o.lr - floor) * 0.5 * (1 + Math.cos(Math.PI * Math.min(1, progress))));
}

export async function trainCharModel(run: TrainRun): Promise<TrainResult> {
  const cb = run.callbacks ?? {};
  let resumePoint: ResumePoint | null = null;
  let o: TrainOptions = { ...TRAIN_DEFAULTS, ...run.options };
  let model: CharModel, vocab: Vocab;
  if (run.resume) {
    if (!run.out) throw new Error('--resume needs the checkpoint path (--out) to continue from');
    const loaded = loadCheckpoint(run.out);
    resumePoint = loadTrainState(run.out, loaded.step);
    // The run's settings come from the checkpoint; only the budget and the thread count may be changed on resume.
    o = {
      ...TRAIN_DEFAULTS, ...resumePoint.options, steps: run.options?.steps ?? resumePoint.options.steps, time: run.options?.time ?? resumePoint.options.time,
      threads: run.options?.threads ?? TRAIN_DEFAULTS.threads,
    };
    model = expectModel(loaded, CharModel, 'a character-level language model', '--resume'); vocab = loaded.vocabs.text;
  } else {
    validateOptions(o);
    vocab = Vocab.fromText(run.text);
    model = new CharModel({
      vocabSize: vocab.size, cell: o.cell, hiddenSize: o.hiddenSize, numLayers: o.numLayers,
      embeddingSize: o.embeddingSize, dropout: o.dropout, forgetBias: o.cell === 'lstm' ? o.forgetBias : undefined,
    }, { rng: new Rng(o.seed) });
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
  let step = 0, elapsed = 0, tokens = 0;
  let carried: CharModelState | null = null;
  if (resumePoint) {
    opt.loadStateDict(resumePoint.optimizer);
    batchRng.setState(resumePoint.batchRng);
    dropoutRng.setState(resumePoint.dropoutRng);
    ({ step, elapsed, tokens } = resumePoint);
    if (stream && resumePoint.stream) stream.loadStateDict(resumePoint.stream);
    carried = resumePoint.carried;
  }
  cb.onStart?.({ model, vocab, trainChars: train.length, valChars: val.length, resumedAt: step });

  const progressOf = (): number => Math.max(o.steps > 0 ? step / o.steps : 0, o.time > 0 ? elapsed / o.time : 0);
  let lastMark = Math.floor(progressOf() * 10);
  const recent: number[] = [];
  let lastSample = '';

  const save = async (): Promise<void> => {
    if (!run.out) return;
    // State first: a crash between the two leaves a model file with an older step, which resume detects.
    await saveTrainState(run.out, {
      options: o, step, elapsed, tokens, optimizer: opt.stateDict(),
      batchRng: batchRng.getState(), dropoutRng: dropoutRng.getState(), stream: stream?.stateDict() ?? null, carried,
    });
    await saveCheckpoint(run.out, { model, vocabs: { text: vocab }, step });
    cb.onCheckpoint?.({ step, path: run.out });
  };

  let stopped: TrainResult['stopped'] = 'budget';
  model.train();
  // Threads: the backend's (its kernels cut their work between them); 0 keeps its default.
  if (o.threads > 0) setThreads(o.threads);
  {
    while (progressOf() < 1) {
      const t0 = performance.now();
      let inputs: Int32Array, targets: Int32Array, T = o.seqLen;
      if (stream) {
        const chunk = stream.next();
        if (chunk.first) carried = null;
        inputs = chunk.inputs; targets = chunk.targets; T = chunk.length;
      } else {
        ({ inputs, targets } = sampler!.next());
      }
      const lr = learningRate(o, step, progressOf());
      opt.lr = lr;
      const { loss: lossValue, state } = forwardBackward(model, inputs, targets, o.batchSize, T, carried);
      if (!Number.isFinite(lossValue)) {
        throw new Error(`training diverged at step ${step}: loss is ${lossValue}; the last checkpoint is kept (try a lower --lr or a --clip)`);
      }
      if (o.clip > 0) clipGradNorm(model.parameters(), o.clip);
      opt.step();
      opt.zeroGrad();
      // Truncated BPTT: keep the values of the state, cut its history.
      carried = stream && state ? state.map((s) => detach(s)) : null;
      step++;
      tokens += o.batchSize * T;
      elapsed += (performance.now() - t0) / 1000;
      recent.push(lossValue);
      if (recent.length > 50) recent.shift();
      cb.onStep?.({ step, loss: lossValue, lr, elapsed, tokensPerSec: tokens / elapsed, progress: Math.min(1, progressOf()) });

      const mark = Math.floor(progressOf() * 10);
      const due = o.evalEvery > 0 ? step % o.evalEvery === 0 : mark > lastMark;
      lastMark = mark;
      const interrupted = cb.shouldStop?.() ?? false;
      const running = progressOf() < 1 && !interrupted;
      if (due && running) {
        const valLoss = evaluate(model, val, { maxChars: o.evalChars });
        lastSample = sample(model, vocab, { length: o.sampleLength, rng: sampleRng, temperature: 0.8 });
        cb.onEval?.({ step, valLoss, elapsed, sample: lastSample });
      }
      if (running && (due || (o.checkpointEvery > 0 && step % o.checkpointEvery === 0))) await save();
      if (interrupted) { stopped = 'interrupted'; break; }
      await yieldToEventLoop();
    }
  }

  await save();
  const valLoss = evaluate(model, val);
  lastSample = sample(model, vocab, { length: o.sampleLength, rng: sampleRng, temperature: 0.8 });
  cb.onEval?.({ step, valLoss, elapsed, sample: lastSample });
  const trainLoss = recent.length ? recent.reduce((a, b) => a + b, 0) / recent.length : NaN;
  return { model, vocab, steps: step, elapsed, tokensPerSec: elapsed > 0 ? tokens / elapsed : 0, trainLoss, valLoss, sample: lastSample, stopped };
}

