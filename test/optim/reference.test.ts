// Every optimizer against PyTorch: the parameter trajectories of each case in
// reference/trajectories.json (written by reference/optim_reference.py from torch.optim).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeOptimizer, makeParams, reference, runSteps, worstError } from './helpers.js';

// float64: both sides compute the same formulas in double; only rounding order differs.
// float32: torch rounds after every tensor operation (its float32 autograd gradient too), unfold once
// per stored value; Rosenbrock's curvature amplifies that to ~2e-5 relative by step 6.
const TOL = { float64: { rtol: 1e-10, atol: 1e-12 }, float32: { rtol: 1e-4, atol: 1e-6 } };

for (const c of reference.optimizers) {
  test(`${c.optimizer} matches torch ${reference.torch}: ${c.name}`, () => {
    const params = makeParams(c.dtype);
    const opt = makeOptimizer(c, params);
    const { rtol, atol } = TOL[c.dtype];
    for (let s = 0; s < reference.steps; s++) {
      runSteps(c, opt, params, s, 1);
      params.forEach((p, i) => {
        assert.equal(p.data instanceof Float64Array, c.dtype === 'float64', 'the update keeps the dtype');
        const err = worstError(p.data, c.trajectory[s][i], rtol, atol);
        assert.ok(err <= 1, `step ${s + 1}, param ${i}: ${Array.from(p.data)} vs torch ${c.trajectory[s][i]} (error ${err.toFixed(2)} x tolerance)`);
      });
    }
  });
}

test('the reference file covers every optimizer in both dtypes', () => {
  for (const name of ['SGD', 'Adam', 'AdamW', 'RMSprop', 'Adagrad']) {
    for (const dtype of ['float64', 'float32']) {
      assert.ok(reference.optimizers.some((c) => c.optimizer === name && c.dtype === dtype), `${name} ${dtype}`);
    }
  }
});

test('the amsgrad cases exercise the running maximum (they differ from plain Adam)', () => {
  for (const c of reference.optimizers.filter((c) => c.options.amsgrad === true)) {
    const params = makeParams(c.dtype);
    runSteps(c, makeOptimizer({ ...c, options: { ...c.options, amsgrad: false } }, params), params, 0, reference.steps);
    const last = c.trajectory[reference.steps - 1];
    assert.ok(params.some((p, i) => worstError(p.data, last[i], 1e-6, 1e-9) > 1), `${c.name}: amsgrad made no difference`);
  }
});
