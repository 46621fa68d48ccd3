// The mutations of the checkpoint fuzzer: each takes the bytes of a valid checkpoint and a generator
// and returns damaged bytes, a label, and whether the damage is one the reader must refuse (a
// "poison": a NaN written into a tensor, a header-length lie, offsets that overlap, a permuted sorted
// vocabulary…). Damage that may leave a valid file (a bit flipped inside a weight, a dropout changed
// in the config) is not a poison; whether such a file is accepted consistently is judged by the
// fuzzer itself (checkpoint_fuzz.ts). Byte-level damage works on anything; structural damage parses
// the header as JSON and falls back to a bit flip when an earlier mutation already broke it.

import { Rng } from '../../src/tensor/random.js';

/** Damaged checkpoint bytes. */
export interface Mutated {
  bytes: Uint8Array;
  /** What was done, for reports ("config-number rnn.config.hiddenSize = 1e9"). */
  label: string;
  /** Whether the reader must refuse the result. */
  poison: boolean;
}

type Mutation = (bytes: Uint8Array, rng: Rng) => Mutated;

interface Entry { dtype: string; shape: unknown; data_offsets: unknown }
interface Split { header: Record<string, unknown>; data: Uint8Array }

// ---- reading and writing a file's parts, without the reader's checks ----

function split(bytes: Uint8Array): Split | null {
  if (bytes.length < 8) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = view.getUint32(0, true) + view.getUint32(4, true) * 2 ** 32;
  if (n > bytes.length - 8) return null;
  try {
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n))) as unknown;
    if (typeof header !== 'object' || header === null || Array.isArray(header)) return null;
    return { header: header as Record<string, unknown>, data: bytes.slice(8 + n) };
  } catch {
    return null;
  }
}

/** A file from header text (or an object, stringified) and data; `declared` overrides the length prefix. */
export function assemble(header: string | object, data: Uint8Array, declared?: number): Uint8Array {
  const json = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  const view = new DataView(out.buffer);
  const n = declared ?? json.length;
  view.setUint32(0, n % 2 ** 32, true);
  view.setUint32(4, Math.floor(n / 2 ** 32) % 2 ** 32, true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

function tensorNames(s: Split): string[] {
  return Object.keys(s.header).filter((k) => k !== '__metadata__');
}

function entryOf(s: Split, name: string): Entry {
  return s.header[name] as Entry;
}

function metadataOf(s: Split): Record<string, unknown> {
  const m = s.header.__metadata__;
  return typeof m === 'object' && m !== null ? m as Record<string, unknown> : {};
}

const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[rng.int(xs.length)];

// Rewrites the data section with some tensors re-encoded (new dtype and bytes); offsets stay honest.
function relayout(s: Split, replace: ReadonlyMap<string, { dtype: string; bytes: Uint8Array }>): Uint8Array {
  const names = tensorNames(s).sort((a, b) => (entryOf(s, a).data_offsets as number[])[0] - (entryOf(s, b).data_offsets as number[])[0]);
  const parts: Uint8Array[] = [];
  let at = 0;
  const header: Record<string, unknown> = {};
  if (s.header.__metadata__ !== undefined) header.__metadata__ = s.header.__metadata__;
  for (const name of names) {
    const e = entryOf(s, name);
    const [b, end] = e.data_offsets as number[];
    const r = replace.get(name);
    const bytes = r ? r.bytes : s.data.subarray(b, end);
    Object.defineProperty(header, name, { value: { dtype: r ? r.dtype : e.dtype, shape: e.shape, data_offsets: [at, at + bytes.length] }, enumerable: true });
    parts.push(bytes);
    at += bytes.length;
  }
  const data = new Uint8Array(at);
  let o = 0;
  for (const p of parts) { data.set(p, o); o += p.length; }
  return assemble(header, data);
}

// The float32 values of an F32 entry (unfold writes only F32 and F64).
function f32Values(s: Split, name: string): Float32Array | null {
  const e = entryOf(s, name);
  if (e.dtype !== 'F32') return null;
  const [b, end] = e.data_offsets as number[];
  return new Float32Array(s.data.slice(b, end).buffer);
}

function encode(values: Float32Array, dtype: 'F64' | 'F16' | 'BF16', bad?: { index: number; bits: number | bigint }): Uint8Array {
  const size = dtype === 'F64' ? 8 : 2;
  const out = new Uint8Array(values.length * size);
  const view = new DataView(out.buffer);
  for (let i = 0; i < values.length; i++) {
    if (dtype === 'F64') view.setFloat64(8 * i, values[i], true);
    else if (dtype === 'BF16') view.setUint16(2 * i, new Uint32Array(Float32Array.of(values[i]).buffer)[0] >>> 16, true);
    else view.setUint16(2 * i, toHalf(values[i]), true);
  }
  if (bad) {
    if (dtype === 'F64') view.setBigUint64(8 * bad.index, BigInt(bad.bits), true);
    else view.setUint16(2 * bad.index, Number(bad.bits), true);
  }
  return out;
}

function float64Bits(v: number): bigint {
  return new BigUint64Array(Float64Array.of(v).buffer)[0];
}

// float → IEEE half, round toward zero (enough for the small weights of the seeds).
function toHalf(v: number): number {
  const sign = v < 0 || Object.is(v, -0) ? 0x8000 : 0;
  const a = Math.abs(v);
  if (a >= 65520) return sign | 0x7c00;
  if (a < 2 ** -24) return sign;
  if (a < 2 ** -14) return sign | Math.floor(a / 2 ** -24);
  const e = Math.floor(Math.log2(a));
  const m = Math.floor((a / 2 ** e - 1) * 1024);
  return sign | ((e + 15) << 10) | m;
}

// ---- byte-level damage ----

const bitFlip = (region: 'any' | 'header'): Mutation => (bytes, rng) => {
  const out = bytes.slice();
  const s = split(bytes);
  const end = region === 'header' && s ? bytes.length - s.data.length : bytes.length;
  const flips = 1 + rng.int(8);
  for (let i = 0; i < flips; i++) out[rng.int(end)] ^= 1 << rng.int(8);
  return { bytes: out, label: `bit-flip-${region} x${flips}`, poison: false };
};

const truncate: Mutation = (bytes, rng) => {
  const n = rng.int(bytes.length);
  return { bytes: bytes.slice(0, n), label: `truncate to ${n}`, poison: true };
};

const extend: Mutation = (bytes, rng) => {
  const extra = Uint8Array.from({ length: 1 + rng.int(16) }, () => rng.int(256));
  const out = new Uint8Array(bytes.length + extra.length);
  out.set(bytes);
  out.set(extra, bytes.length);
  return { bytes: out, label: `extend by ${extra.length}`, poison: true };
};

const headerLength: Mutation = (bytes, rng) => {
  const out = bytes.slice();
  const view = new DataView(out.buffer);
  const n = view.getUint32(0, true);
  const choices = [n + 1 + rng.int(16), Math.max(0, n - 1 - rng.int(16)), 0, 2 * n, rng.nextUint32(), 100_000_001];
  const lie = pick(rng, choices);
  view.setUint32(0, lie >>> 0, true);
  if (rng.int(6) === 0) view.setUint32(4, rng.nextUint32(), true);
  const changed = view.getUint32(0, true) !== n || view.getUint32(4, true) !== 0;
  return { bytes: out, label: `header-length ${lie}`, poison: changed };
};

// ---- header (JSON) damage ----

function structural(name: string, f: (s: Split, rng: Rng) => Omit<Mutated, 'label'> & { what: string }): Mutation {
  return (bytes, rng) => {
    const s = split(bytes);
    if (s === null || !wellFormed(s)) return bitFlip('any')(bytes, rng);
    let r: ReturnType<typeof f>;
    try { r = f(s, rng); } catch { return bitFlip('any')(bytes, rng); } // metadata an earlier round broke
    return { bytes: r.bytes, poison: r.poison, label: `${name} ${r.what}` };
  };
}

// Whether every entry still has the fields the structural mutations edit (an earlier mutation may have broken them).
function wellFormed(s: Split): boolean {
  return tensorNames(s).every((n) => {
    const e = s.header[n] as Partial<Entry> | null;
    const o = e?.data_offsets, shape = e?.shape;
    return typeof e === 'object' && e !== null && typeof e.dtype === 'string' && Array.isArray(shape) && shape.every((d) => typeof d === 'number')
      && Array.isArray(o) && o.length === 2 && o.every((x) => Number.isSafeInteger(x) && x >= 0 && x <= s.data.length) && o[0] <= o[1];
  });
}

const DTYPES = ['F64', 'F32', 'F16', 'BF16', 'I64', 'I32', 'I16', 'I8', 'U64', 'U32', 'U16', 'U8', 'BOOL', 'F8_E4M3', 'F8_E5M2', 'F33', 'toString', '', 'f32'];

const dtypeLie = structural('dtype-lie', (s, rng) => {
  const name = pick(rng, tensorNames(s));
  const e = entryOf(s, name);
  const dtype = pick(rng, DTYPES);
  const poison = dtype !== e.dtype;
  e.dtype = dtype;
  return { bytes: assemble(s.header, s.data), poison, what: `${name} ${dtype}` };
});

const shapeLie = structural('shape-lie', (s, rng) => {
  const name = pick(rng, tensorNames(s));
  const e = entryOf(s, name);
  const shape = [...(e.shape as number[])];
  const before = JSON.stringify(shape);
  const kind = rng.int(9);
  let value: unknown;
  if (kind === 0) value = [...shape].reverse();
  else if (kind === 1) value = [...shape, 1];
  else if (kind === 2) value = shape.slice(1);
  else if (kind === 3) value = [shape.reduce((a, b) => a * b, 1)];
  else if (kind === 4) value = [2 ** 32, 2 ** 32, 2 ** 32];
  else if (kind === 5) value = shape.map((d, i) => (i === 0 ? pick(rng, [-d, d + 0.5, `${d}`, null, 1e300, 2 ** 53]) : d));
  else if (kind === 6) value = JSON.parse(`${'['.repeat(2000)}${']'.repeat(2000)}`) as unknown;
  else if (kind === 7) value = new Array(100).fill(1).concat(shape);
  else value = pick(rng, [null, 'x', {}, 7]);
  e.shape = value;
  return { bytes: assemble(s.header, s.data), poison: JSON.stringify(value) !== before, what: `${name} ${JSON.stringify(value).slice(0, 40)}` };
});

const offsetLie = structural('offset-lie', (s, rng) => {
  const names = tensorNames(s);
  const name = pick(rng, names);
  const e = entryOf(s, name);
  const [b, end] = e.data_offsets as number[];
  const other = entryOf(s, pick(rng, names)).data_offsets as number[];
  const size = end - b;
  const options: unknown[] = [
    [b + 1, end + 1], [b - 4, end - 4], [b, end + 4], [end, b], [other[0], other[0] + size], [0, size],
    [b, s.data.length + 4], [-4, end], [b, `${end}`], [b + 0.5, end], [b], [b, end, end], [2 ** 60, 2 ** 60 + size],
  ];
  const value = pick(rng, options);
  e.data_offsets = value;
  // Moving a tensor onto another of the same size keeps a tiling only when it is itself: every other change breaks the tiling.
  const poison = JSON.stringify(value) !== JSON.stringify([b, end]);
  return { bytes: assemble(s.header, s.data), poison, what: `${name} ${JSON.stringify(value)}` };
});

const duplicateKey = structural('duplicate-key', (s, rng) => {
  const text = JSON.stringify(s.header);
  const names = tensorNames(s);
  const useMeta = names.length === 0 || rng.int(3) === 0;
  const key = useMeta ? '__metadata__' : pick(rng, names);
  const copy = `${JSON.stringify(key)}:${JSON.stringify(s.header[key])}`;
  return { bytes: assemble(`{${copy},${text.slice(1)}`, s.data), poison: true, what: key };
});

// ---- metadata damage: the model spec, the vocabularies, the step ----

// JSON values a config field must not be trusted to hold, '__INF__' standing for the literal 1e999.
function hostileValue(rng: Rng, original: unknown): unknown {
  const n = typeof original === 'number' ? original : 3;
  const numbers = [0, -1, -n, n + 0.5, 0.5, 2 ** 31, 2 ** 32, 2 ** 53, 1e9, 1e15, 1e300, -1e300, 2 ** (1 + rng.int(40)), n * (2 + rng.int(1000)), n + 1, '__INF__'];
  const others = [
    null, true, false, 'NaN', '1e9', '', 'lstm', {}, [], [1, 2], { toString: 1 }, { valueOf: {} }, 'x'.repeat(5000),
    JSON.parse(`${'['.repeat(3000)}${']'.repeat(3000)}`) as unknown, { className: 'nn.Linear', config: { inFeatures: 1e9, outFeatures: 1e9 } },
  ];
  return rng.int(3) < 2 ? pick(rng, numbers) : pick(rng, others);
}

interface Slot { parent: Record<string, unknown> | unknown[]; key: string | number; path: string }

// Every field (nested ones too) of a parsed config, as places a value can be put.
function slots(root: unknown, path = ''): Slot[] {
  const out: Slot[] = [];
  if (Array.isArray(root)) root.forEach((v, i) => { out.push({ parent: root, key: i, path: `${path}[${i}]` }); out.push(...slots(v, `${path}[${i}]`)); });
  else if (typeof root === 'object' && root !== null) {
    for (const [k, v] of Object.entries(root)) { out.push({ parent: root as Record<string, unknown>, key: k, path: `${path}.${k}` }); out.push(...slots(v, `${path}.${k}`)); }
  }
  return out;
}

const MODEL_KEY = 'unfold.model', VOCABS_KEY = 'unfold.vocabs', STEP_KEY = 'unfold.step';

function withMetadata(s: Split, key: string, value: unknown): Uint8Array {
  const meta = metadataOf(s);
  meta[key] = value;
  s.header.__metadata__ = meta;
  return assemble(JSON.stringify(s.header).replaceAll('"__INF__"', '1e999').replaceAll('\\"__INF__\\"', '1e999'), s.data);
}

const configValue = structural('config', (s, rng) => {
  const raw = metadataOf(s)[MODEL_KEY];
  if (typeof raw !== 'string') return { ...bitFlip('header')(assemble(s.header, s.data), rng), what: 'no spec' };
  let spec: unknown;
  try { spec = JSON.parse(raw); } catch { spec = null; }
  const places = slots(spec);
  if (places.length === 0) return { bytes: withMetadata(s, MODEL_KEY, JSON.stringify(hostileValue(rng, spec))), poison: false, what: 'whole spec' };
  const slot = pick(rng, places);
  const kind = rng.int(10);
  let what: string;
  if (kind === 0 && !Array.isArray(slot.parent)) { delete (slot.parent as Record<string, unknown>)[slot.key as string]; what = `delete ${slot.path}`; }
  else if (kind === 1 && !Array.isArray(slot.parent)) { (slot.parent as Record<string, unknown>)[`extra${rng.int(9)}`] = hostileValue(rng, 1); what = `add key at ${slot.path}`; }
  else {
    const v = hostileValue(rng, (slot.parent as Record<string | number, unknown>)[slot.key]);
    (slot.parent as Record<string | number, unknown>)[slot.key] = v;
    what = `${slot.path} = ${JSON.stringify(v)?.slice(0, 30)}`;
  }
  return { bytes: withMetadata(s, MODEL_KEY, JSON.stringify(spec)), poison: false, what };
});

const specText = structural('spec-text', (s, rng) => {
  const raw = String(metadataOf(s)[MODEL_KEY] ?? '');
  const value = pick(rng, [raw.slice(0, rng.int(raw.length)), 'null', '[]', '42', '"x"', '{}', '{"className":"train.CharModel"}', '{"className":"train.CharModel","config":null}', `${'['.repeat(5000)}${']'.repeat(5000)}`, 7, null, ['a']]);
  return { bytes: withMetadata(s, MODEL_KEY, value), poison: value !== raw, what: JSON.stringify(value).slice(0, 30) };
});

const vocabLie = structural('vocab', (s, rng) => {
  const raw = metadataOf(s)[VOCABS_KEY];
  const vocabs = typeof raw === 'string' ? JSON.parse(raw) as Record<string, Record<string, unknown>> : {};
  const names = Object.keys(vocabs);
  if (names.length === 0) return { bytes: withMetadata(s, VOCABS_KEY, pick(rng, ['{"text":5}', '[]', 'null', '{"x":{"type":"vocab"}}'])), poison: false, what: 'no vocabularies' };
  const name = pick(rng, names);
  const v = vocabs[name];
  const symbols = v.symbols as string[];
  const kind = rng.int(9);
  let what: string, poison = true;
  if (kind === 0 && symbols.length >= 2 && v.order === 'sorted') { // swap two: keeps the size, breaks the order
    const i = rng.int(symbols.length - 1);
    [symbols[i], symbols[i + 1]] = [symbols[i + 1], symbols[i]];
    what = `swap ${i}`;
  } else if (kind === 1 && symbols.length >= 2) { symbols[1] = symbols[0]; what = 'duplicate'; }
  else if (kind === 2) { v.placeholder = pick(rng, ['x'.repeat(100000), 5, null, { toString: 1 }]) as string; what = 'placeholder'; }
  else if (kind === 3) { v.unit = v.unit === 'char' ? 'word' : 'char'; what = 'unit'; poison = false; }
  else if (kind === 4) { v.specials = pick(rng, [[], ['bos'], ['pad', 'bos', 'eos', 'unk', 'pad'], [[[['pad']]]], 'pad']); what = 'specials'; poison = false; }
  else if (kind === 5) { v.order = pick(rng, ['given', 'random', 5]); what = `order ${String(v.order)}`; poison = v.order !== 'given'; }
  else if (kind === 6) { symbols.push(`${symbols[symbols.length - 1]}z`); what = 'one more symbol'; }
  else if (kind === 7) { v.symbols = pick<unknown>(rng, [null, 'abc', [[['a']]], [1, 2], []]); what = 'symbols'; }
  else { vocabs[name] = hostileValue(rng, v) as Record<string, unknown>; what = 'replaced'; }
  return { bytes: withMetadata(s, VOCABS_KEY, JSON.stringify(vocabs)), poison, what: `${name} ${what}` };
});

const stepLie = structural('step', (s, rng) => {
  const value = pick(rng, ['-3', '1.5', '1e3', '', 'NaN', '9007199254740993', ' 7', 7, null, '0x10']);
  return { bytes: withMetadata(s, STEP_KEY, value), poison: true, what: JSON.stringify(value) };
});

const metadataType = structural('meta-type', (s, rng) => {
  const key = pick(rng, [...Object.keys(metadataOf(s)), 'format']);
  return { bytes: withMetadata(s, key, pick(rng, [1, null, {}, ['x'], true])), poison: true, what: key };
});

// ---- payload damage: values that are not finite, in every dtype ----

const nonFinite = structural('non-finite', (s, rng) => {
  const candidates = tensorNames(s).filter((n) => (f32Values(s, n)?.length ?? 0) > 0);
  if (candidates.length === 0) return { ...truncate(assemble(s.header, s.data), rng), what: 'no tensor' };
  const name = pick(rng, candidates);
  const values = f32Values(s, name)!;
  const index = rng.int(values.length);
  const kind = rng.int(7);
  const bad: [string, 'F64' | 'F16' | 'BF16' | 'F32', number | bigint][] = [
    ['NaN', 'F32', 0], ['+Inf', 'F32', 0], ['-Inf', 'F32', 0],
    ['1e39 as F64', 'F64', float64Bits(1e39)], ['NaN as F64', 'F64', 0x7ff8000000000001n],
    ['Inf as F16', 'F16', pick(rng, [0x7c00, 0xfc00, 0x7e00])], ['Inf as BF16', 'BF16', pick(rng, [0x7f80, 0xff80, 0x7fc0])],
  ];
  const [what, dtype, bits] = bad[kind];
  if (dtype === 'F32') {
    values[index] = [NaN, Infinity, -Infinity][kind];
    return { bytes: relayout(s, new Map([[name, { dtype: 'F32', bytes: new Uint8Array(values.buffer) }]])), poison: true, what: `${name}[${index}] ${what}` };
  }
  return { bytes: relayout(s, new Map([[name, { dtype, bytes: encode(values, dtype, { index, bits }) }]])), poison: true, what: `${name}[${index}] ${what}` };
});

const reencode = structural('reencode', (s, rng) => {
  const candidates = tensorNames(s).filter((n) => f32Values(s, n) !== null);
  if (candidates.length === 0) return { ...bitFlip('any')(assemble(s.header, s.data), rng), what: 'no tensor' };
  const name = pick(rng, candidates);
  const dtype = pick(rng, ['F64', 'F16', 'BF16'] as const);
  return { bytes: relayout(s, new Map([[name, { dtype, bytes: encode(f32Values(s, name)!, dtype) }]])), poison: false, what: `${name} ${dtype}` };
});

/** Every mutation by name, with a weight (how often the fuzzer draws it). */
export const MUTATIONS: readonly [string, number, Mutation][] = [
  ['bit-flip', 3, bitFlip('any')], ['bit-flip-header', 3, bitFlip('header')], ['truncate', 1, truncate], ['extend', 1, extend],
  ['header-length', 2, headerLength], ['dtype-lie', 2, dtypeLie], ['shape-lie', 3, shapeLie], ['offset-lie', 3, offsetLie],
  ['duplicate-key', 1, duplicateKey], ['config', 8, configValue], ['spec-text', 1, specText], ['vocab', 3, vocabLie],
  ['step', 1, stepLie], ['meta-type', 1, metadataType], ['non-finite', 4, nonFinite], ['reencode', 2, reencode],
];

const TOTAL_WEIGHT = MUTATIONS.reduce((s, [, w]) => s + w, 0);

/** One to three mutations drawn by weight and applied in turn; poison when any of them was. */
export function mutate(bytes: Uint8Array, rng: Rng): Mutated {
  const rounds = rng.int(4) === 0 ? 2 + rng.int(2) : 1;
  let out: Mutated = { bytes, label: '', poison: false };
  const labels: string[] = [];
  for (let r = 0; r < rounds; r++) {
    let x = rng.int(TOTAL_WEIGHT);
    const [, , m] = MUTATIONS.find(([, w]) => (x -= w) < 0)!;
    const next = m(out.bytes, rng);
    labels.push(next.label);
    // A later mutation may undo an earlier one's poison (a truncation cut off the NaN), so only the last counts when rounds stack.
    out = { bytes: next.bytes, label: labels.join(' + '), poison: rounds === 1 ? next.poison : false };
  }
  return out;
}
