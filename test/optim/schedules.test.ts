// Learning-rate schedules against their closed forms and against torch.optim.lr_scheduler
// (reference/trajectories.json), plus state dict round trips and their errors.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tensor } from '../../src/tensor/tensor.js';
import {
  CosineAnnealingLR, LambdaLR, LinearWarmup, SGD, StepLR, WarmupCosine, type LRScheduler,
} from '../../src/optim/index.js';
import { reference } from './helpers.js';

/** SGD with two groups, lr 0.1 and 0.02, as in the reference script. */
function twoGroups(): SGD {
  const p = tensor([0], undefined, { requiresGrad: true });
  const q = tensor([0], undefined, { requiresGrad: true });
  return new SGD([{ params: [p], lr: 0.1 }, { params: [q], lr: 0.02 }]);
}

type Make = (opt: SGD) => LRScheduler;

const W = 4, T = 12, MIN = 0.001;
const SCHEDULES: Record<string, { make: Make; closed: (t: number, lr0: number) => number }> = {
  StepLR: { make: (o) => new StepLR(o, { stepSize: 3, gamma: 0.5 }), closed: (t, lr0) => lr0 * 0.5 ** Math.floor(t / 3) },
  CosineAnnealingLR: {
    make: (o) => new CosineAnnealingLR(o, { tMax: 10, etaMin: 0.001 }),
    closed: (t, lr0) => 0.001 + (lr0 - 0.001) * (1 + Math.cos(Math.PI * t / 10)) / 2,
  },
  LambdaLR: { make: (o) => new LambdaLR(o, (e) => 0.95 ** e), closed: (t, lr0) => lr0 * 0.95 ** t },
  LinearWarmup: { make: (o) => new LinearWarmup(o, { warmupSteps: W }), closed: (t, lr0) => lr0 * Math.min(1, (t + 1) / W) },
  WarmupCosine: {
    make: (o) => new WarmupCosine(o, { warmupSteps: W, totalSteps: T, minLr: MIN }),
    closed: (t, lr0) => (t < W ? lr0 * (t + 1) / W : t > T ? MIN : MIN + (lr0 - MIN) * (1 + Math.cos(Math.PI * (t - W) / (T - W))) / 2),
  },
};

function sequence(make: Make, steps: number): number[][] {
  const opt = twoGroups();
  const s = make(opt);
  const out = [s.getLastLr()];
  for (let i = 0; i < steps; i++) {
    opt.step();
    s.step();
    out.push(s.getLastLr());
    assert.deepEqual(opt.paramGroups.map((g) => g.lr), s.getLastLr(), 'the optimizer gets the scheduled lr');
  }
  return out;
}

const close = (a: number, b: number): boolean => Math.abs(a - b) <= 1e-12 * Math.abs(b) + 1e-16;

for (const ref of reference.schedulers) {
  test(`${ref.name} follows its closed form and torch's values`, () => {
    const { make, closed } = SCHEDULES[ref.name];
    const got = sequence(make, ref.lrs.length - 1);
    got.forEach((lrs, t) => lrs.forEach((lr, k) => {
      assert.ok(close(lr, closed(t, [0.1, 0.02][k])), `t=${t}, group ${k}: ${lr} vs closed form ${closed(t, [0.1, 0.02][k])}`);
      assert.ok(close(lr, ref.lrs[t][k]), `t=${t}, group ${k}: ${lr} vs torch ${ref.lrs[t][k]}`);
    }));
  });
}

test('WarmupCosine holds minLr after totalSteps, and warmupSteps 0 starts at the base lr', () => {
  const seq = sequence((o) => new WarmupCosine(o, { warmupSteps: W, totalSteps: T, minLr: MIN }), T + 5);
  for (let t = T; t <= T + 5; t++) assert.deepEqual(seq[t], [MIN, MIN]);
  const noWarmup = sequence((o) => new WarmupCosine(o, { warmupSteps: 0, totalSteps: 10 }), 10);
  assert.deepEqual(noWarmup[0], [0.1, 0.02]);
  assert.deepEqual(noWarmup[10], [0, 0]);
  assert.ok(close(noWarmup[5][0], 0.05));
});

test('LambdaLR takes one function per group', () => {
  const seq = sequence((o) => new LambdaLR(o, [(e) => 1 / (e + 1), (e) => e]), 3);
  assert.deepEqual(seq, [[0.1, 0], [0.05, 0.02], [0.1 / 3, 0.04], [0.025, 0.06]]);
});

test('a scheduler resumed from its state dict continues the same sequence', () => {
  for (const [name, { make }] of Object.entries(SCHEDULES)) {
    const straight = sequence(make, 9);
    const opt1 = twoGroups();
    const s1 = make(opt1);
    for (let i = 0; i < 5; i++) s1.step();
    const saved = JSON.parse(JSON.stringify(s1.stateDict()));
    assert.equal(saved.lastEpoch, 5);
    const opt2 = twoGroups();
    opt2.lr = 1; // the saved lr must replace whatever the fresh optimizer has
    const s2 = make(opt2);
    s2.loadStateDict(saved);
    assert.deepEqual(opt2.paramGroups.map((g) => g.lr), straight[5], `${name}: lr restored`);
    const rest = [s2.getLastLr()];
    for (let i = 0; i < 4; i++) { s2.step(); rest.push(s2.getLastLr()); }
    assert.deepEqual(rest, straight.slice(5), name);
  }
});

test('scheduler state dicts and options are checked', () => {
  const s = new StepLR(twoGroups(), { stepSize: 2 });
  const good = s.stateDict();
  assert.deepEqual(good, { scheduler: 'StepLR', lastEpoch: 0, baseLrs: [0.1, 0.02], lastLr: [0.1, 0.02] });
  const cos = new CosineAnnealingLR(twoGroups(), { tMax: 5 });
  assert.throws(() => cos.loadStateDict(good), /CosineAnnealingLR.loadStateDict: expected scheduler state for CosineAnnealingLR, got "StepLR"/);
  assert.throws(() => s.loadStateDict({ ...good, baseLrs: [0.1] }), /expected baseLrs to be an array of 2 numbers \(one per parameter group\), got \[0.1\]/);
  assert.throws(() => s.loadStateDict({ ...good, lastEpoch: 1.5 }), /expected lastEpoch to be a non-negative integer, got 1.5/);
  assert.throws(() => s.loadStateDict(null), /expected a scheduler state object, got null/);
  assert.throws(() => new StepLR(twoGroups(), { stepSize: 0 }), /StepLR: expected stepSize to be an integer >= 1, got 0/);
  assert.throws(() => new WarmupCosine(twoGroups(), { warmupSteps: 10, totalSteps: 5 }), /WarmupCosine: expected totalSteps to be an integer >= 10, got 5/);
  assert.throws(() => new LambdaLR(twoGroups(), [(e) => e]), /LambdaLR: expected one function or 2 \(one per parameter group\), got 1/);
});
