// PyTorch → unfold: test/io/fixtures/torch_fixture.safetensors was written from torch tensors by
// make_fixture.py (byte-identical with the `safetensors` package's writer), and torch_fixture.json
// holds the exact values; unfold must read every tensor and the metadata exactly.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { SafetensorsError, parseSafetensors, parseSafetensorsHeader } from '../../src/io/safetensors.js';

// Tests run from dist/test/io/; the fixtures stay in the source tree.
const fixtures = new URL('../../../test/io/fixtures/', import.meta.url);
const bytes = new Uint8Array(readFileSync(new URL('torch_fixture.safetensors', fixtures)));

interface Expected {
  metadata: Record<string, string>;
  tensors: Record<string, { dtype: string; shape: number[]; values: (number | string)[] }>;
}
const expected = JSON.parse(readFileSync(new URL('torch_fixture.json', fixtures), 'utf8')) as Expected;

function value(v: number | string): number {
  if (typeof v === 'number') return v;
  return ({ nan: NaN, inf: Infinity, '-inf': -Infinity } as Record<string, number>)[v];
}

test('a PyTorch-written safetensors file loads with exact values', () => {
  const { tensors, metadata } = parseSafetensors(bytes, { convertIntegers: true, allowNonFinite: true });
  assert.deepEqual(metadata, expected.metadata);
  assert.deepEqual(Object.keys(tensors).sort(), Object.keys(expected.tensors).sort());
  for (const [name, e] of Object.entries(expected.tensors)) {
    const t = tensors[name];
    assert.deepEqual(t.shape, e.shape, name);
    assert.equal(t.dtype, e.dtype === 'F64' || e.dtype === 'I64' ? 'float64' : 'float32', name);
    assert.deepEqual(Array.from(t.data), e.values.map(value), name); // Object.is: -0 and NaN exact
  }
});

test('the header is read in file order with the writer\'s dtypes', () => {
  const { entries } = parseSafetensorsHeader(bytes);
  assert.deepEqual(entries.map((e) => e.dtype), ['I64', 'F64', 'F32', 'F32', 'F32', 'BF16', 'F16']);
  for (const e of entries) assert.equal(e.dtype, expected.tensors[e.name].dtype);
});

test('without convertIntegers the I64 tensor is refused by name', () => {
  assert.throws(() => parseSafetensors(bytes), (err: unknown) =>
    err instanceof SafetensorsError && /expected tensor "step" to have dtype F32, F64, F16 or BF16 .*, got I64/.test(err.message));
});

test('without allowNonFinite the first tensor holding NaN or ±Inf is refused, naming the element', () => {
  // The fixture's BF16 tensor holds a NaN at [1, 1] (torch_fixture.json), before any other non-finite value in file order.
  assert.deepEqual(expected.tensors.bf16.values[3], 'nan');
  assert.throws(() => parseSafetensors(bytes, { convertIntegers: true }), (err: unknown) =>
    err instanceof SafetensorsError && /^expected finite values, got tensor "bf16" holds NaN at \[1, 1\] \(flat index 3\)/.test(err.message));
});
