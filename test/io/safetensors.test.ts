// safetensors serialisation: round trips, the exact byte layout, half-precision decoding, and a
// clear SafetensorsError for every kind of malformed file.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor, tensor } from '../../src/tensor/tensor.js';
import { Rng } from '../../src/tensor/random.js';
import {
  MAX_HEADER_BYTES, SafetensorsError, compareCodePoints, parseSafetensors, parseSafetensorsHeader, serializeSafetensors,
} from '../../src/io/safetensors.js';
import { bfloat16ToFloat, halfToFloat } from '../../src/io/dtypes.js';

/** A file from header text and data bytes; `declared` overrides the length prefix. */
function build(header: string, data: ArrayLike<number> = [], declared?: bigint): Uint8Array {
  const json = new TextEncoder().encode(header);
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, declared ?? BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

function expectError(bytes: Uint8Array, pattern: RegExp, options = {}): void {
  assert.throws(() => parseSafetensors(bytes, options), (err: unknown) => {
    assert.ok(err instanceof SafetensorsError, `expected a SafetensorsError, got ${String(err)}`);
    assert.match(err.message, pattern);
    return true;
  });
}

function randomTensor(shape: number[], dtype: 'float32' | 'float64', rng: Rng): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return tensor(Array.from({ length: n }, () => rng.normal()), shape, { dtype });
}

test('round trip keeps names, shapes, dtypes, exact values and metadata', () => {
  const rng = new Rng(1);
  const tensors: Record<string, Tensor> = {
    'rnn.weight_ih_l0': randomTensor([8, 3], 'float32', rng),
    'rnn.bias_hh_l0': randomTensor([8], 'float64', rng),
    scalar32: tensor(3.25),
    scalar64: tensor(new Float64Array([-1e-300]), []),
    empty: tensor(new Float32Array(0), [0]),
    empty2d: tensor(new Float64Array(0), [2, 0, 3]),
    specials: tensor([NaN, Infinity, -Infinity, -0, 1e-45]),
    'ünïcödé 😀': tensor([1, 2]),
  };
  const metadata = { config: JSON.stringify({ hiddenSize: 8 }), note: 'é😀\n"quoted"', '': 'empty key' };
  const bytes = serializeSafetensors(tensors, metadata);
  const headerLength = Number(new DataView(bytes.buffer).getBigUint64(0, true));
  assert.equal(headerLength % 8, 0, 'header padded to a multiple of 8');
  const back = parseSafetensors(bytes, { allowNonFinite: true });
  assert.deepEqual(back.metadata, metadata);
  assert.deepEqual(Object.keys(back.tensors).sort(), Object.keys(tensors).sort());
  for (const [name, t] of Object.entries(tensors)) {
    const u = back.tensors[name];
    assert.equal(u.dtype, t.dtype, name);
    assert.deepEqual(u.shape, t.shape, name);
    assert.deepEqual(Array.from(u.data), Array.from(t.data), name); // Object.is: keeps -0 and NaN
  }
  // The parsed tensors own their buffers: corrupting the file afterwards changes nothing.
  bytes.fill(0);
  assert.equal(back.tensors.scalar32.item(), 3.25);
});

test('serialisation is deterministic and independent of key order', () => {
  const a = tensor([1, 2]), b = tensor([[3]]);
  const one = serializeSafetensors({ a, b }, { x: '1', y: '2' });
  const two = serializeSafetensors({ b, a }, { y: '2', x: '1' });
  assert.deepEqual(one, two);
});

test('byte-exact layout of a hand-built example', () => {
  const bytes = serializeSafetensors({ b: tensor([1, -2]), a: tensor(new Float64Array([0.5]), []) }, { k: 'v' });
  // Metadata first, then tensors in name order, offsets packed from 0: 132 bytes of JSON,
  // padded with 4 spaces to 136 (a multiple of 8).
  const header =
    '{"__metadata__":{"k":"v"},' +
    '"a":{"dtype":"F64","shape":[],"data_offsets":[0,8]},' +
    '"b":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}}';
  assert.equal(header.length, 132);
  const expected = [
    136, 0, 0, 0, 0, 0, 0, 0, // u64 little-endian header length
    ...Array.from(header, (c) => c.charCodeAt(0)), 0x20, 0x20, 0x20, 0x20,
    0, 0, 0, 0, 0, 0, 0xe0, 0x3f, // a: 0.5 as float64 (0x3FE0000000000000)
    0, 0, 0x80, 0x3f, // b[0]: 1 as float32 (0x3F800000)
    0, 0, 0, 0xc0, // b[1]: -2 as float32 (0xC0000000)
  ];
  assert.equal(expected.length, 160);
  assert.deepEqual(Array.from(bytes), expected);
});

test('no metadata means no "__metadata__" key; tensors are laid out by code point', () => {
  const bytes = serializeSafetensors({ '😀': tensor([2]), '\uff00': tensor([1]) });
  const { entries, metadata } = parseSafetensorsHeader(bytes);
  assert.deepEqual(metadata, {});
  assert.doesNotMatch(new TextDecoder().decode(bytes), /__metadata__/);
  // U+FF00 < U+1F600 by code point, although its UTF-16 unit is larger than the high surrogate.
  assert.deepEqual(entries.map((e) => [e.name, e.dataOffsets]), [['\uff00', [0, 4]], ['😀', [4, 8]]]);
  assert.ok(compareCodePoints('\uff00', '😀') < 0 && compareCodePoints('b', 'a') > 0 && compareCodePoints('a', 'ab') < 0);
});

test('parses from a Uint8Array at an unaligned offset into a larger buffer', () => {
  const file = serializeSafetensors({ x: tensor([1.5, 2.5, 3.5]), y: tensor(new Float64Array([7]), [1]) });
  const big = new Uint8Array(file.length + 5);
  big.set(file, 3);
  const { tensors } = parseSafetensors(big.subarray(3, 3 + file.length));
  assert.deepEqual(tensors.x.toArray(), [1.5, 2.5, 3.5]);
  assert.deepEqual(tensors.y.toArray(), [7]);
});

test('a tensor named "__proto__" is an own entry and does not replace the prototype', () => {
  const bytes = build('{"__proto__":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', [0, 0, 0x80, 0x3f]);
  const { tensors } = parseSafetensors(bytes);
  assert.ok(Object.hasOwn(tensors, '__proto__'));
  assert.equal(Object.getPrototypeOf(tensors), Object.prototype);
  assert.deepEqual(tensors['__proto__'].toArray(), [1]);
  const again = parseSafetensors(serializeSafetensors(tensors));
  assert.deepEqual(again.tensors['__proto__'].toArray(), [1]);
});

test('F16 and BF16 widen exactly to float32', () => {
  const halves: [number, number][] = [
    [0x3c00, 1], [0xc000, -2], [0x7bff, 65504], [0x0001, 2 ** -24], [0x03ff, 1023 * 2 ** -24],
    [0x3555, 0.333251953125], [0x7c00, Infinity], [0xfc00, -Infinity], [0x8000, -0], [0x0000, 0],
  ];
  for (const [bits, value] of halves) assert.equal(halfToFloat(bits), value, `0x${bits.toString(16)}`);
  assert.ok(Number.isNaN(halfToFloat(0x7e00)));
  assert.equal(bfloat16ToFloat(0x3f80), 1);
  assert.equal(bfloat16ToFloat(0xc049), -3.140625);
  assert.ok(Number.isNaN(bfloat16ToFloat(0x7fc0)));

  const data = [0x00, 0x3c, 0x00, 0xc0, 0x80, 0x3f, 0x49, 0xc0]; // F16 [1, -2], BF16 [1, -3.140625]
  const bytes = build('{"h":{"dtype":"F16","shape":[2],"data_offsets":[0,4]},"b":{"dtype":"BF16","shape":[2],"data_offsets":[4,8]}}', data);
  const { tensors } = parseSafetensors(bytes);
  assert.equal(tensors.h.dtype, 'float32');
  assert.deepEqual(tensors.h.toArray(), [1, -2]);
  assert.deepEqual(tensors.b.toArray(), [1, -3.140625]);
});

test('integer dtypes are refused by default and read as float64 with convertIntegers', () => {
  const header = '{"n":{"dtype":"I32","shape":[2],"data_offsets":[0,8]},"m":{"dtype":"U8","shape":[1],"data_offsets":[8,9]},"k":{"dtype":"I64","shape":[1],"data_offsets":[9,17]}}';
  const data = [0xff, 0xff, 0xff, 0xff, 5, 0, 0, 0, 200, 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff];
  const bytes = build(header, data);
  expectError(bytes, /expected tensor "n" to have dtype F32, F64, F16 or BF16 \(pass \{ convertIntegers: true \} to read integers as float64\), got I32/);
  const { tensors } = parseSafetensors(bytes, { convertIntegers: true });
  assert.equal(tensors.n.dtype, 'float64');
  assert.deepEqual(tensors.n.toArray(), [-1, 5]);
  assert.deepEqual(tensors.m.toArray(), [200]);
  assert.deepEqual(tensors.k.toArray(), [-2]);
  const huge = build('{"k":{"dtype":"I64","shape":[1],"data_offsets":[0,8]}}', [0, 0, 0, 0, 0, 0, 0x40, 0]);
  expectError(huge, /expected the values of tensor "k" \(I64\) within ±2\^53, which float64 holds exactly, got a larger one at element 0/, { convertIntegers: true });
});

test('malformed length prefix and header text', () => {
  expectError(new Uint8Array(5), /expected at least 8 bytes \(the header length prefix\), got a file of 5 bytes/);
  expectError(new Uint8Array(0), /got a file of 0 bytes/);
  expectError(build('{}', [], 100n), /expected a header length of at most 2 bytes \(what follows the length prefix\), got 100/);
  expectError(build('{}', [], BigInt(MAX_HEADER_BYTES) + 1n), /expected a header length of at most 100000000 bytes, got 100000001/);
  expectError(build('{}', [], 0xffffffffffffffffn), /expected a header length of at most 100000000 bytes, got 18446744073709552000/);
  expectError(build('', []), /expected a JSON header, got text that does not parse/);
  expectError(build('{"a":', []), /expected a JSON header, got text that does not parse/);
  const badUtf8 = build('{"a":1}');
  badUtf8[10] = 0xff;
  expectError(badUtf8, /expected a UTF-8 header, got bytes that are not valid UTF-8/);
  expectError(build('[1,2]'), /expected the header to be a JSON object, got an array/);
  expectError(build('null'), /expected the header to be a JSON object, got null/);
  expectError(build('42'), /expected the header to be a JSON object, got number 42/);
  expectError(build('"x"'), /got string "x"/);
});

test('malformed tensor entries', () => {
  const entry = (body: string, data: number[] = [0, 0, 0, 0]) => build(`{"t":${body}}`, data);
  expectError(entry('5'), /expected tensor "t" to be an object with dtype, shape and data_offsets, got number 5/);
  expectError(entry('{"shape":[1],"data_offsets":[0,4]}'), /expected tensor "t" to have a string dtype, got undefined/);
  expectError(entry('{"dtype":"F33","shape":[1],"data_offsets":[0,4]}'), /expected tensor "t" to have one of the dtypes F64, F32, .*, got "F33"/);
  expectError(entry('{"dtype":"toString","shape":[1],"data_offsets":[0,4]}'), /got "toString"/);
  expectError(entry('{"dtype":"F8_E4M3","shape":[4],"data_offsets":[0,4]}'), /expected tensor "t" to have dtype F32, F64, F16 or BF16, got F8_E4M3$/);
  for (const shape of ['[-1]', '[1.5]', '["1"]', '"1"', '[1e300]', 'null', '[true]']) {
    expectError(entry(`{"dtype":"F32","shape":${shape},"data_offsets":[0,4]}`), /expected tensor "t" to have a shape of non-negative integers, got/);
  }
  for (const offsets of ['[0]', '[0,4,8]', '[-4,0]', '[0,"4"]', '{"0":0}', '[0,4.5]']) {
    expectError(entry(`{"dtype":"F32","shape":[1],"data_offsets":${offsets}}`), /expected tensor "t" to have data_offsets \[begin, end\] of non-negative integers/);
  }
  expectError(entry('{"dtype":"F32","shape":[1]}'), /data_offsets \[begin, end\] of non-negative integers, got undefined/);
  expectError(entry('{"dtype":"F32","shape":[0],"data_offsets":[4,0]}'), /expected tensor "t" to have data_offsets \[begin, end\] with begin <= end, got \[4, 0\]/);
  expectError(entry('{"dtype":"F32","shape":[2],"data_offsets":[0,8]}'), /expected tensor "t" to have data_offsets within the 4-byte data section, got \[0, 8\]/);
  expectError(entry('{"dtype":"F32","shape":[2],"data_offsets":[0,4]}'), /expected tensor "t" of dtype F32 and shape \[2\] to span 8 bytes, got data_offsets \[0, 4\], which span 4/);
  expectError(entry('{"dtype":"F64","shape":[1],"data_offsets":[0,4]}'), /to span 8 bytes, got data_offsets \[0, 4\], which span 4/);
  expectError(entry('{"dtype":"F32","shape":[4294967296,4294967296,4294967296],"data_offsets":[0,4]}'), /to span more bytes than any file holds, got data_offsets \[0, 4\]/);
});

test('data must tile the data section: no overlap, no gap, no trailing bytes', () => {
  const f32 = (name: string, begin: number, end: number) => `"${name}":{"dtype":"F32","shape":[${(end - begin) / 4}],"data_offsets":[${begin},${end}]}`;
  const zeros = (n: number) => new Array<number>(n).fill(0);
  expectError(build(`{${f32('a', 0, 8)},${f32('b', 4, 12)}}`, zeros(12)), /expected tensor "b" to begin at byte 8 \(right after tensor "a", which ends at byte 8\), got data \[4, 12\), which overlaps it/);
  expectError(build(`{${f32('a', 0, 8)},${f32('b', 0, 8)}}`, zeros(8)), /expected tensor "[ab]" to begin at byte 8 .*overlaps it/);
  expectError(build(`{${f32('a', 0, 4)},${f32('b', 8, 12)}}`, zeros(12)), /expected tensor "b" to begin at byte 4 \(right after tensor "a", which ends at byte 4\), got 8: a gap of 4 bytes/);
  expectError(build(`{${f32('a', 4, 8)}}`, zeros(8)), /expected tensor "a" to begin at byte 0 \(right after the start of the data section\), got 4: a gap of 4 bytes/);
  expectError(build(`{${f32('a', 0, 4)}}`, zeros(8)), /expected the tensors to cover the 8-byte data section, got 4 bytes covered: 4 trailing bytes/);
  expectError(build('{}', zeros(3)), /expected the tensors to cover the 3-byte data section, got 0 bytes covered/);
  // Empty tensors may sit anywhere on the tiling; zero tensors and zero data is a valid file.
  assert.doesNotThrow(() => parseSafetensors(build(`{${f32('a', 0, 4)},${f32('e', 4, 4)},${f32('z', 0, 0)}}`, zeros(4))));
  assert.deepEqual(parseSafetensors(build('{}')), { tensors: {}, metadata: {} });
});

test('metadata must be an object of strings', () => {
  expectError(build('{"__metadata__":{"k":1}}'), /expected metadata value "k" to be a string, got number 1/);
  expectError(build('{"__metadata__":{"k":{"nested":"x"}}}'), /expected metadata value "k" to be a string, got an object/);
  expectError(build('{"__metadata__":["a"]}'), /expected "__metadata__" to be an object of strings, got an array/);
  expectError(build('{"__metadata__":"x"}'), /expected "__metadata__" to be an object of strings, got string "x"/);
  assert.deepEqual(parseSafetensors(build('{"__metadata__":null}')).metadata, {});
});

test('serialize rejects what it cannot write, with the reason', () => {
  const bad = (f: () => unknown, pattern: RegExp) => assert.throws(f, (e: unknown) => e instanceof SafetensorsError && pattern.test(e.message));
  bad(() => serializeSafetensors({ w: [1, 2] as unknown as Tensor }), /expected "w" to be a Tensor, got an array/);
  bad(() => serializeSafetensors({ __metadata__: tensor([1]) }), /"__metadata__" is reserved/);
  bad(() => serializeSafetensors({ w: tensor([1]) }, { n: 3 as unknown as string }), /expected metadata value "n" to be a string, got number 3/);
  bad(() => serializeSafetensors(null as unknown as Record<string, Tensor>), /expected an object mapping names to tensors, got null/);
});

test('a deeply nested header is refused before anything tries to print it (it overflowed the stack)', () => {
  const deep = `{"t":{"dtype":"F32","shape":${'['.repeat(5000)}${']'.repeat(5000)},"data_offsets":[0,0]}}`;
  assert.ok(deep.length > 10_000);
  expectError(build(deep), /^expected a header nested at most 3 levels deep \(tensor, field, list\), got deeper nesting at byte 29 of the header$/);
  expectError(build('{"__metadata__":{"k":["x"]}}'), /^expected metadata value "k" to be a string, got an array$/);
  expectError(build('{"__metadata__":{"k":[["x"]]}}'), /nested at most 3 levels deep/);
});

test('a name, a field or a metadata key given twice is refused (JSON.parse would keep only the last)', () => {
  const f32 = (name: string, begin: number, end: number) => `"${name}":{"dtype":"F32","shape":[${(end - begin) / 4}],"data_offsets":[${begin},${end}]}`;
  const four = [0, 0, 0, 0];
  expectError(build(`{${f32('a', 0, 4)},${f32('a', 0, 4)}}`, four), /^expected each key once in the header, got "a" twice$/);
  expectError(build(`{${f32('a', 0, 4)},${f32('\\u0061', 0, 4)}}`, four), /got "a" twice/); // the same name, escaped
  expectError(build('{"a":{"dtype":"F32","dtype":"F64","shape":[1],"data_offsets":[0,4]}}', four), /^expected each key once in "a" in the header, got "dtype" twice$/);
  expectError(build('{"__metadata__":{"k":"1","k":"2"}}'), /^expected each key once in "__metadata__" in the header, got "k" twice$/);
  expectError(build('{"__metadata__":{"k":"1"},"__metadata__":{"k":"2"}}'), /got "__metadata__" twice/);
  // Keys that only look alike, and strings holding quotes and brackets, are not repeats.
  const tricky = parseSafetensors(build('{"__metadata__":{"a\\"[{":"}]\\\\","a":"\\"","A":"x"}}'));
  assert.deepEqual(tricky.metadata, { 'a"[{': '}]\\', a: '"', A: 'x' });
});

test('a shape of more than 64 dimensions is refused', () => {
  const shape = JSON.stringify(new Array(65).fill(1));
  expectError(build(`{"t":{"dtype":"F32","shape":${shape},"data_offsets":[0,4]}}`, [0, 0, 0, 0]), /^expected tensor "t" to have at most 64 dimensions, got 65$/);
});

test('NaN and ±Infinity are refused in every float dtype, naming the tensor and the first bad element, unless allowed', () => {
  const one = (dtype: string, shape: number[], data: number[]) => build(`{"ok":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"t":{"dtype":"${dtype}","shape":${JSON.stringify(shape)},"data_offsets":[4,${4 + data.length}]}}`, [0, 0, 0x80, 0x3f, ...data]);
  const le32 = (bits: number) => [bits & 0xff, (bits >>> 8) & 0xff, (bits >>> 16) & 0xff, bits >>> 24];
  const cases: [string, number[], number[], RegExp][] = [
    ['F32', [2, 2], [...le32(0x3f800000), ...le32(0x3f800000), ...le32(0x3f800000), ...le32(0x7fc00000)], /tensor "t" holds NaN at \[1, 1\] \(flat index 3\)/],
    ['F32', [3], [...le32(0), ...le32(0xff800000), ...le32(0x7f800000)], /tensor "t" holds -Infinity at \[1\] \(flat index 1\)/],
    ['F64', [2], [0, 0, 0, 0, 0, 0, 0xf0, 0x7f, 0, 0, 0, 0, 0, 0, 0, 0], /tensor "t" holds Infinity at \[0\] \(flat index 0\)/],
    ['F16', [3], [0, 0x3c, 0, 0x7c, 0, 0x7e], /tensor "t" holds Infinity at \[1\] \(flat index 1\)/], // 1, +Inf, NaN
    ['F16', [1], [0, 0xfc], /tensor "t" holds -Infinity at \[0\] \(flat index 0\)/],
    ['BF16', [2, 1], [0x80, 0x3f, 0xc0, 0x7f], /tensor "t" holds NaN at \[1, 0\] \(flat index 1\)/], // 1, NaN
    ['BF16', [1], [0x80, 0xff], /tensor "t" holds -Infinity at \[0\] \(flat index 0\)/],
  ];
  for (const [dtype, shape, data, pattern] of cases) {
    const bytes = one(dtype, shape, data);
    expectError(bytes, new RegExp(`^expected finite values, got ${pattern.source} \\(pass \\{ allowNonFinite: true \\} to read it anyway\\)$`));
    const { tensors } = parseSafetensors(bytes, { allowNonFinite: true });
    assert.equal(tensors.t.toArray().filter((v) => !Number.isFinite(v)).length > 0, true, dtype);
  }
  // A float64 value beyond float32's range is finite in the file's own dtype: the checkpoint reader checks it after conversion.
  assert.deepEqual(parseSafetensors(build('{"t":{"dtype":"F64","shape":[1],"data_offsets":[0,8]}}', [0, 0, 0, 0, 0, 0, 0xf0, 0x47])).tensors.t.toArray(), [2 ** 128]);
});
