// Fuzzing the parser: truncations and byte corruptions of a valid file at every position must give
// either a successful parse or a SafetensorsError, never a raw TypeError/RangeError, hang or
// runaway allocation.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tensor } from '../../src/tensor/tensor.js';
import { Rng } from '../../src/tensor/random.js';
import { SafetensorsError, parseSafetensors, serializeSafetensors } from '../../src/io/safetensors.js';

const valid = serializeSafetensors(
  {
    'rnn.weight_ih_l0': tensor([[0.5, -1], [2, 3], [4, 5]]),
    bias: tensor(new Float64Array([1, 2]), [2]),
    scalar: tensor(7),
    empty: tensor(new Float32Array(0), [0, 3]),
  },
  { config: '{"hiddenSize":2}', vocab: 'abc' },
);

/** Parses, and fails the test on anything thrown that is not a SafetensorsError. */
function parseCleanly(bytes: Uint8Array, what: string): boolean {
  for (const convertIntegers of [false, true]) {
    try {
      parseSafetensors(bytes, { convertIntegers });
    } catch (err) {
      if (!(err instanceof SafetensorsError)) assert.fail(`${what}: expected a SafetensorsError, got ${String(err)}`);
      assert.ok(err.message.length > 0 && err.message.length < 400, `${what}: message of reasonable length`);
      return false;
    }
  }
  return true;
}

test('every truncation of a valid file is a clean error', () => {
  assert.ok(parseCleanly(valid, 'the valid file'));
  for (let n = 0; n < valid.length; n++) {
    assert.equal(parseCleanly(valid.slice(0, n), `truncated to ${n} bytes`), false, `truncated to ${n} bytes must not parse`);
  }
});

test('single-byte corruptions at every position parse or fail cleanly', () => {
  let failures = 0, total = 0;
  for (let i = 0; i < valid.length; i++) {
    for (const mask of [0x01, 0x02, 0x10, 0x20, 0x80, 0xff]) {
      const bytes = valid.slice();
      bytes[i] ^= mask;
      if (!parseCleanly(bytes, `byte ${i} ^ 0x${mask.toString(16)}`)) failures++;
      total++;
    }
    for (const value of [0x00, 0x22, 0x2c, 0x2d, 0x30, 0x39, 0x5b, 0x5d, 0x7b, 0x7d]) { // NUL " , - 0 9 [ ] { }
      const bytes = valid.slice();
      bytes[i] = value;
      parseCleanly(bytes, `byte ${i} = 0x${value.toString(16)}`);
    }
  }
  assert.ok(failures > 0 && failures < total, 'header corruptions fail and data corruptions parse');
});

test('random multi-byte corruption, splicing and length-prefix changes fail cleanly', () => {
  const rng = new Rng(2024);
  for (let round = 0; round < 3000; round++) {
    let bytes = valid.slice();
    const edits = 1 + rng.int(6);
    for (let e = 0; e < edits; e++) {
      const kind = rng.int(4);
      if (kind === 0) bytes[rng.int(bytes.length)] = rng.int(256);
      else if (kind === 1) { // delete a run
        const at = rng.int(bytes.length), len = rng.int(8);
        bytes = Uint8Array.from([...bytes.subarray(0, at), ...bytes.subarray(at + len)]);
      } else if (kind === 2) { // insert random bytes
        const at = rng.int(bytes.length + 1);
        const extra = Array.from({ length: 1 + rng.int(8) }, () => rng.int(256));
        bytes = Uint8Array.from([...bytes.subarray(0, at), ...extra, ...bytes.subarray(at)]);
      } else if (bytes.length >= 8) { // nudge the length prefix
        const view = new DataView(bytes.buffer, bytes.byteOffset);
        view.setUint32(0, (view.getUint32(0, true) + rng.int(17) - 8) >>> 0, true);
        if (rng.int(4) === 0) view.setUint32(4, rng.nextUint32(), true);
      }
      if (bytes.length === 0) break;
    }
    parseCleanly(bytes, `round ${round}`);
  }
});
