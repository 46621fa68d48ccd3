// Scheduled sampling (Bengio et al. 2015): during training, each decoder step is fed the ground
// truth with probability ε_i and the model's own previous prediction otherwise, ε_i decaying over
// training steps i so that training drifts from teacher forcing towards free running.
// Shared by the Jordan/recurrent generators (runJordan) and the seq2seq decoders (decodeTargets),
// so it sits below both, beside the teacher forcing it schedules.

/**
 * How ε (the probability of feeding the ground truth) decays with the training step i:
 * - linear: ε_i = max(ε_min, ε_0 − c·i)
 * - exponential: ε_i = max(ε_min, k^i), 0 < k < 1
 * - inverse-sigmoid: ε_i = k / (k + exp(i / k)), k ≥ 1
 * - constant: ε_i = ε_0 (ε_0 = 1 is plain teacher forcing, 0 is free running)
 */
export type SamplingSchedule =
  | { kind: 'linear'; start?: number; slope: number; min?: number }
  | { kind: 'exponential'; k: number; min?: number }
  | { kind: 'inverse-sigmoid'; k: number }
  | { kind: 'constant'; value: number };

/** ε_i: the probability of feeding the ground truth at training step `step` (0-based). */
export function teacherForcingProbability(schedule: SamplingSchedule, step: number): number {
  if (!(Number.isInteger(step) && step >= 0)) throw new Error(`expected a training step >= 0, got ${step}`);
  switch (schedule.kind) {
    case 'constant':
      return checkProbability(schedule.value, 'value');
    case 'linear': {
      const start = checkProbability(schedule.start ?? 1, 'start'), min = checkProbability(schedule.min ?? 0, 'min');
      if (!(schedule.slope >= 0)) throw new Error(`expected a linear slope >= 0, got ${schedule.slope}`);
      return Math.max(min, start - schedule.slope * step);
    }
    case 'exponential': {
      if (!(schedule.k > 0 && schedule.k < 1)) throw new Error(`expected an exponential k in (0, 1), got ${schedule.k}`);
      return Math.max(checkProbability(schedule.min ?? 0, 'min'), schedule.k ** step);
    }
    case 'inverse-sigmoid': {
      if (!(schedule.k >= 1)) throw new Error(`expected an inverse-sigmoid k >= 1, got ${schedule.k}`);
      // exp(i / k) overflows to Infinity for large i, and k / Infinity is 0, the right limit.
      return schedule.k / (schedule.k + Math.exp(step / schedule.k));
    }
  }
}

function checkProbability(p: number, name: string): number {
  if (!(p >= 0 && p <= 1)) throw new Error(`expected ${name} in [0, 1], got ${p}`);
  return p;
}
