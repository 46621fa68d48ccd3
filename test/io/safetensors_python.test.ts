// unfold → PyTorch: a file written by serializeSafetensors must load in the reference reader
// (safetensors.torch.load_file) with the same values and metadata. Needs a Python with torch and the
// `safetensors` package (Debian has no python3-safetensors): set UNFOLD_PYTHON to it, e.g. a venv
// made with --system-site-packages; without one this test is skipped.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tensor } from '../../src/tensor/tensor.js';
import { serializeSafetensors } from '../../src/io/safetensors.js';

const python = process.env.UNFOLD_PYTHON ?? '/usr/bin/python3';
const probe = spawnSync(python, ['-c', 'import safetensors.torch'], { encoding: 'utf8' });
const available = probe.status === 0;

const READER = `
import json, sys, math
from safetensors import safe_open
from safetensors.torch import load_file
path = sys.argv[1]
tensors = load_file(path)
with safe_open(path, framework="pt") as f:
    metadata = f.metadata()
def enc(x):
    return "nan" if math.isnan(x) else ("inf" if x == math.inf else ("-inf" if x == -math.inf else x))
print(json.dumps({"metadata": metadata, "tensors": {k: {"dtype": str(t.dtype), "shape": list(t.shape),
    "values": [enc(v) for v in t.double().reshape(-1).tolist()]} for k, t in tensors.items()}}))
`;

test('a file written by unfold loads in safetensors.torch with the same values', { skip: available ? false : `no python with safetensors at ${python} (set UNFOLD_PYTHON)` }, () => {
  const tensors = {
    'rnn.weight_ih_l0': tensor([[0.1, -0.2, 1 / 3], [-0, 1e-40, 3.4028234663852886e38]]),
    'rnn.bias_ih_l0': tensor(new Float64Array([Math.PI, -1e-300, 0.1]), [3]),
    scalar: tensor(42.5),
    empty: tensor(new Float32Array(0), [0, 4]),
    specials: tensor([NaN, Infinity, -Infinity]),
  };
  const metadata = { config: '{"hiddenSize": 3}', vocab: 'é😀' };
  const dir = mkdtempSync(join(tmpdir(), 'unfold-py-'));
  try {
    const path = join(dir, 'model.safetensors');
    writeFileSync(path, serializeSafetensors(tensors, metadata));
    const run = spawnSync(python, ['-c', READER, path], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    const got = JSON.parse(run.stdout) as { metadata: Record<string, string>; tensors: Record<string, { dtype: string; shape: number[]; values: (number | string)[] }> };
    assert.deepEqual(got.metadata, metadata);
    for (const [name, t] of Object.entries(tensors)) {
      const g = got.tensors[name];
      assert.equal(g.dtype, t.dtype === 'float64' ? 'torch.float64' : 'torch.float32', name);
      assert.deepEqual(g.shape, t.shape, name);
      const want = Array.from(t.data, (v) => (Number.isNaN(v) ? 'nan' : v === Infinity ? 'inf' : v === -Infinity ? '-inf' : v));
      assert.deepEqual(g.values, want, name);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
