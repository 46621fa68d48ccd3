// Scheduled-sampling schedules written on a command line: "1" or "constant:0.9" (fixed ε),
// "linear:SLOPE[:MIN]", "exponential:K[:MIN]", "inverse-sigmoid:K" (see nn/seq/scheduled_sampling.ts).

import { teacherForcingProbability, type SamplingSchedule } from '../nn/seq/scheduled_sampling.js';

const FORMS = "a number in [0, 1], constant:P, linear:SLOPE[:MIN], exponential:K[:MIN] or inverse-sigmoid:K";

/** Parses a schedule, throwing an error that lists the accepted forms. */
export function parseSamplingSchedule(text: string): SamplingSchedule {
  const parts = text.trim().split(':');
  const nums = parts.slice(1).map(Number);
  const bad = (): never => { throw new Error(`expected a teacher-forcing schedule: ${FORMS}; got '${text}'`); };
  if (nums.some((n) => !Number.isFinite(n))) bad();
  let s: SamplingSchedule;
  if (parts.length === 1) {
    const v = Number(parts[0]);
    if (parts[0] === '' || !Number.isFinite(v)) bad();
    s = { kind: 'constant', value: v };
  } else if (parts[0] === 'constant' && nums.length === 1) s = { kind: 'constant', value: nums[0] };
  else if (parts[0] === 'linear' && (nums.length === 1 || nums.length === 2)) s = { kind: 'linear', slope: nums[0], min: nums[1] };
  else if (parts[0] === 'exponential' && (nums.length === 1 || nums.length === 2)) s = { kind: 'exponential', k: nums[0], min: nums[1] };
  else if (parts[0] === 'inverse-sigmoid' && nums.length === 1) s = { kind: 'inverse-sigmoid', k: nums[0] };
  else return bad();
  try { teacherForcingProbability(s, 0); } catch (e) { throw new Error(`teacher-forcing schedule '${text}': ${(e as Error).message}`); }
  return s;
}
