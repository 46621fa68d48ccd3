// selectStackedRows, the tree nets' gather of children's states: rows picked across several sources,
// repeated and −1 (zero) rows, against the stacked rows read by hand; gradients w.r.t. every source
// by finite differences.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { selectStackedRows } from '../../../src/autograd/ops/stacked_rows.js';
import { assertClose, check, rand64 } from '../../helpers/tensors.js';

test('selectStackedRows: rows across sources, repeats and −1, with gradients to every source', () => {
  const a = rand64([3, 2], 1), b = rand64([2, 2], 2), c = rand64([4, 2], 3);
  const idx = Int32Array.from([4, -1, 0, 4, 8, 2, 3]);
  const out = selectStackedRows([a, b, c], idx);
  const all = [...a.data, ...b.data, ...c.data];
  const want = Array.from(idx).flatMap((i) => (i < 0 ? [0, 0] : all.slice(2 * i, 2 * i + 2)));
  assertClose(out.data, want, 0);
  check((x, y, z) => selectStackedRows([x, y, z], idx), [a, b, c]);
  // a source no index points into is left out of the graph
  const only = selectStackedRows([a, b, c], Int32Array.from([0, 1]));
  assert.deepEqual(only.gradFn?.inputs, [a]);
  assert.throws(() => selectStackedRows([a, b], Int32Array.from([5])), /expected indices in \[-1, 5\), got 5 at position 0/);
  assert.throws(() => selectStackedRows([a, rand64([2, 3], 4)], Int32Array.from([0])), /expected sources of shape \[n, 2\] and dtype float64, got \[2, 3\] float64/);
});
