// safetensors, the checkpoint container unfold shares with PyTorch and Hugging Face:
//   [u64 little-endian N] [N bytes of UTF-8 JSON header, space-padded] [raw little-endian tensor data]
// The header maps each tensor name to { dtype, shape, data_offsets: [begin, end] } (offsets relative
// to the start of the data section) and may hold a "__metadata__" map of strings. This file converts
// between those bytes and Tensors and never touches the filesystem, so it also runs in browsers.
// Parsing treats every byte as hostile: each check names what was expected and what came, nothing is
// allocated from a size the file claims before that size is checked against the file's real length,
// a value that is not finite is refused unless asked for, and every failure is a SafetensorsError
// (never a bare TypeError or RangeError).

import { Tensor } from '../tensor/tensor.js';
import { formatShape } from '../tensor/shape.js';
import { describeValue, shortJson } from '../tensor/describe_value.js';
import { describeNonFinite, findNonFinite } from '../tensor/finite.js';
import { checkHeaderNesting } from './header_nesting.js';
import {
  KNOWN_DTYPES, decodeElements, encodeElements, isFloatDType, isIntegerDType, isKnownDType, itemSize,
  type SafetensorsDType,
} from './dtypes.js';

/** The largest header accepted, as in the reference Rust implementation (bounds the JSON parse). */
export const MAX_HEADER_BYTES = 100_000_000;

/** The most dimensions a tensor may have (NumPy's limit; no checkpoint comes near it). */
export const MAX_RANK = 64;

const METADATA_KEY = '__metadata__';

/** A malformed safetensors file, or tensors that cannot be written as one. */
export class SafetensorsError extends Error {
  override readonly name = 'SafetensorsError';
}

/** One tensor's entry in a parsed header. */
export interface SafetensorsEntry {
  readonly name: string;
  readonly dtype: SafetensorsDType;
  readonly shape: readonly number[];
  /** [begin, end) in bytes, relative to the start of the data section. */
  readonly dataOffsets: readonly [number, number];
}

/** A validated header: the entries in file order and where the data section starts. */
export interface SafetensorsHeader {
  readonly metadata: Record<string, string>;
  readonly entries: readonly SafetensorsEntry[];
  /** Byte offset of the data section in the file (8 + header length). */
  readonly dataStart: number;
}

export interface ParseSafetensorsOptions {
  /**
   * Read integer tensors (I8…I64, U8…U64, BOOL) as float64 instead of rejecting them. Values beyond
   * ±2^53 in I64/U64 tensors still raise an error, since float64 cannot hold them exactly.
   * Default false: unfold's tensors are floating point, and a silent conversion would hide a
   * checkpoint that is not what the caller thinks.
   */
  readonly convertIntegers?: boolean;
  /**
   * Accept tensors holding NaN or ±Infinity. Default false: such a file is refused, naming the
   * tensor and the first bad element, because weights that are not finite make every output NaN
   * (a diverged run, or a corrupted file) and nothing downstream would say why.
   */
  readonly allowNonFinite?: boolean;
}

/** What parseSafetensors returns. */
export interface SafetensorsContents {
  readonly tensors: Record<string, Tensor>;
  readonly metadata: Record<string, string>;
}

/**
 * Serialises tensors (float32 as F32, float64 as F64) and optional string metadata to safetensors
 * bytes. Tensors are laid out contiguously in code-point order of their names, the header lists
 * "__metadata__" first (omitted when there is none) and then the tensors in that same order, and the
 * header is padded with spaces to a multiple of 8 bytes, so equal inputs give byte-identical files.
 */
export function serializeSafetensors(
  tensors: Readonly<Record<string, Tensor>>,
  metadata?: Readonly<Record<string, string>>,
): Uint8Array {
  if (!isPlainRecord(tensors)) throw new SafetensorsError(`expected an object mapping names to tensors, got ${describeValue(tensors)}`);
  const names = Object.keys(tensors).sort(compareCodePoints);
  const parts: string[] = [];
  if (metadata !== undefined) {
    if (!isPlainRecord(metadata)) throw new SafetensorsError(`expected metadata to be an object of strings, got ${describeValue(metadata)}`);
    const keys = Object.keys(metadata).sort(compareCodePoints);
    for (const key of keys) {
      if (typeof metadata[key] !== 'string') throw new SafetensorsError(`expected metadata value "${key}" to be a string, got ${describeValue(metadata[key])}`);
    }
    if (keys.length > 0) {
      // Built by hand (not JSON.stringify of an object) so that a key such as "__proto__" survives.
      parts.push(`${JSON.stringify(METADATA_KEY)}:{${keys.map((k) => `${JSON.stringify(k)}:${JSON.stringify(metadata[k])}`).join(',')}}`);
    }
  }
  let offset = 0;
  for (const name of names) {
    if (name === METADATA_KEY) throw new SafetensorsError(`"${METADATA_KEY}" is reserved for metadata and cannot name a tensor`);
    const t = tensors[name];
    if (!(t instanceof Tensor)) throw new SafetensorsError(`expected "${name}" to be a Tensor, got ${describeValue(t)}`);
    const dtype = t.dtype === 'float64' ? 'F64' : 'F32';
    const end = offset + t.data.byteLength;
    parts.push(`${JSON.stringify(name)}:{"dtype":"${dtype}","shape":[${t.shape.join(',')}],"data_offsets":[${offset},${end}]}`);
    offset = end;
  }
  const json = new TextEncoder().encode(`{${parts.join(',')}}`);
  const headerLength = Math.ceil(json.length / 8) * 8;
  if (headerLength > MAX_HEADER_BYTES) {
    throw new SafetensorsError(`header would be ${headerLength} bytes, over the ${MAX_HEADER_BYTES}-byte limit readers accept`);
  }
  const out = new Uint8Array(8 + headerLength + offset);
  const view = new DataView(out.buffer);
  view.setUint32(0, headerLength % 2 ** 32, true);
  view.setUint32(4, Math.floor(headerLength / 2 ** 32), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerLength);
  let at = 8 + headerLength;
  for (const name of names) {
    encodeElements(tensors[name].data, out, at);
    at += tensors[name].data.byteLength;
  }
  return out;
}

/**
 * Parses safetensors bytes into tensors and metadata. F32 and F64 load as float32 and float64,
 * F16 and BF16 widen exactly to float32, integer dtypes are rejected unless
 * `options.convertIntegers` is set (then they load as float64), and NaN or ±Infinity anywhere is
 * rejected unless `options.allowNonFinite` is set. Tensors own fresh buffers: they do not alias
 * `bytes`. Throws SafetensorsError naming the problem for any malformed input.
 */
export function parseSafetensors(bytes: Uint8Array, options: ParseSafetensorsOptions = {}): SafetensorsContents {
  const header = parseSafetensorsHeader(bytes);
  return { tensors: decodeSafetensors(bytes, header, options), metadata: header.metadata };
}

/**
 * The tensors of `bytes`, whose header parseSafetensorsHeader(bytes) returned: the second half of
 * parseSafetensors, for a reader that checks the header against something (a model's config)
 * before decoding any data.
 */
export function decodeSafetensors(bytes: Uint8Array, header: SafetensorsHeader, options: ParseSafetensorsOptions = {}): Record<string, Tensor> {
  const tensors: Record<string, Tensor> = {};
  for (const e of header.entries) {
    const where = `tensor ${shortJson(e.name)}`;
    if (!isFloatDType(e.dtype) && !(isIntegerDType(e.dtype) && options.convertIntegers === true)) {
      const hint = isIntegerDType(e.dtype) ? ' (pass { convertIntegers: true } to read integers as float64)' : '';
      throw new SafetensorsError(`expected ${where} to have dtype F32, F64, F16 or BF16${hint}, got ${e.dtype}`);
    }
    const [begin, end] = e.dataOffsets;
    const count = (end - begin) / itemSize(e.dtype);
    const decoded = decodeElements(bytes.subarray(header.dataStart + begin, header.dataStart + end), e.dtype, count);
    if (!(decoded instanceof Float32Array || decoded instanceof Float64Array)) {
      throw new SafetensorsError(`expected the values of ${where} (${e.dtype}) within ±2^53, which float64 holds exactly, got a larger one at element ${decoded.inexact}`);
    }
    const t = new Tensor(decoded, e.shape);
    if (options.allowNonFinite !== true) {
      const bad = findNonFinite({ [e.name]: t });
      if (bad) throw new SafetensorsError(`expected finite values, got ${describeNonFinite({ ...bad, name: shortJson(e.name) })} (pass { allowNonFinite: true } to read it anyway)`);
    }
    defineEntry(tensors, e.name, t);
  }
  return tensors;
}

/**
 * Reads and validates the header only (cheap: no tensor data is decoded). Checks the length prefix,
 * the JSON, every entry's dtype, shape and offsets, and that the tensors tile the data section
 * exactly (no overlap, no gap, no trailing bytes), as the safetensors specification requires.
 */
export function parseSafetensorsHeader(bytes: Uint8Array): SafetensorsHeader {
  if (!(bytes instanceof Uint8Array)) throw new SafetensorsError(`expected the file contents as a Uint8Array, got ${describeValue(bytes)}`);
  if (bytes.length < 8) throw new SafetensorsError(`expected at least 8 bytes (the header length prefix), got a file of ${bytes.length} bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(0, true) + view.getUint32(4, true) * 2 ** 32;
  if (headerLength > MAX_HEADER_BYTES) {
    throw new SafetensorsError(`expected a header length of at most ${MAX_HEADER_BYTES} bytes, got ${headerLength}`);
  }
  if (headerLength > bytes.length - 8) {
    throw new SafetensorsError(`expected a header length of at most ${bytes.length - 8} bytes (what follows the length prefix), got ${headerLength}`);
  }
  const dataStart = 8 + headerLength;
  const dataLength = bytes.length - dataStart;

  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes.subarray(8, dataStart));
  } catch {
    throw new SafetensorsError('expected a UTF-8 header, got bytes that are not valid UTF-8');
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new SafetensorsError(`expected a JSON header, got text that does not parse: ${err instanceof Error ? err.message : String(err)}`);
  }
  checkHeaderNesting(text, (message) => new SafetensorsError(message));
  if (!isPlainRecord(json)) throw new SafetensorsError(`expected the header to be a JSON object, got ${describeValue(json)}`);

  let metadata: Record<string, string> = {};
  const entries: SafetensorsEntry[] = [];
  for (const [name, value] of Object.entries(json)) {
    if (name === METADATA_KEY) metadata = checkMetadata(value);
    else entries.push(checkEntry(name, value, dataLength));
  }
  checkCoverage(entries, dataLength);
  return { metadata, entries, dataStart };
}

function checkMetadata(value: unknown): Record<string, string> {
  if (value === null) return {}; // the reference (Rust) reader also takes null as "no metadata"
  if (!isPlainRecord(value)) throw new SafetensorsError(`expected "${METADATA_KEY}" to be an object of strings, got ${describeValue(value)}`);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== 'string') throw new SafetensorsError(`expected metadata value ${shortJson(k)} to be a string, got ${describeValue(v)}`);
    defineEntry(out, k, v);
  }
  return out;
}

function checkEntry(name: string, value: unknown, dataLength: number): SafetensorsEntry {
  const where = `tensor ${shortJson(name)}`;
  if (!isPlainRecord(value)) throw new SafetensorsError(`expected ${where} to be an object with dtype, shape and data_offsets, got ${describeValue(value)}`);
  const { dtype, shape, data_offsets: offsets } = value;
  if (typeof dtype !== 'string') throw new SafetensorsError(`expected ${where} to have a string dtype, got ${describeValue(dtype)}`);
  if (!isKnownDType(dtype)) throw new SafetensorsError(`expected ${where} to have one of the dtypes ${KNOWN_DTYPES.join(', ')}, got ${shortJson(dtype)}`);
  if (!Array.isArray(shape) || !shape.every(isCount)) {
    throw new SafetensorsError(`expected ${where} to have a shape of non-negative integers, got ${shortJson(shape)}`);
  }
  if (shape.length > MAX_RANK) throw new SafetensorsError(`expected ${where} to have at most ${MAX_RANK} dimensions, got ${shape.length}`);
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount)) {
    throw new SafetensorsError(`expected ${where} to have data_offsets [begin, end] of non-negative integers, got ${shortJson(offsets)}`);
  }
  const [begin, end] = offsets as [number, number];
  if (end < begin) throw new SafetensorsError(`expected ${where} to have data_offsets [begin, end] with begin <= end, got [${begin}, ${end}]`);
  if (end > dataLength) throw new SafetensorsError(`expected ${where} to have data_offsets within the ${dataLength}-byte data section, got [${begin}, ${end}]`);
  const elements = countElements(shape as number[]);
  const expected = elements * itemSize(dtype);
  if (expected !== end - begin) {
    const need = Number.isSafeInteger(expected) ? `${expected} bytes` : 'more bytes than any file holds';
    throw new SafetensorsError(`expected ${where} of dtype ${dtype} and shape ${formatShape(shape as number[])} to span ${need}, got data_offsets [${begin}, ${end}], which span ${end - begin}`);
  }
  return { name, dtype, shape: shape as number[], dataOffsets: [begin, end] };
}

// The tensors must tile [0, dataLength) exactly: sorted by offset, each begins where the last ended.
function checkCoverage(entries: readonly SafetensorsEntry[], dataLength: number): void {
  const sorted = [...entries].sort((a, b) => a.dataOffsets[0] - b.dataOffsets[0] || a.dataOffsets[1] - b.dataOffsets[1]);
  let cursor = 0;
  let previous: SafetensorsEntry | null = null;
  for (const e of sorted) {
    const [begin, end] = e.dataOffsets;
    const after = previous === null ? 'the start of the data section' : `tensor ${shortJson(previous.name)}, which ends at byte ${cursor}`;
    if (begin < cursor) throw new SafetensorsError(`expected tensor ${shortJson(e.name)} to begin at byte ${cursor} (right after ${after}), got data [${begin}, ${end}), which overlaps it`);
    if (begin > cursor) throw new SafetensorsError(`expected tensor ${shortJson(e.name)} to begin at byte ${cursor} (right after ${after}), got ${begin}: a gap of ${begin - cursor} bytes in the data section`);
    cursor = end;
    previous = e;
  }
  if (cursor !== dataLength) {
    throw new SafetensorsError(`expected the tensors to cover the ${dataLength}-byte data section, got ${cursor} bytes covered: ${dataLength - cursor} trailing bytes`);
  }
}

// Product of the dims; Infinity once it passes 2^53 (so it never equals a real byte count).
function countElements(shape: readonly number[]): number {
  if (shape.includes(0)) return 0;
  let n = 1;
  for (const d of shape) {
    n *= d;
    if (n > Number.MAX_SAFE_INTEGER) return Infinity;
  }
  return n;
}

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

function isPlainRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

// Own, enumerable data property: assignment would let a key "__proto__" replace the prototype.
function defineEntry<T>(target: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Orders strings by Unicode code point (as Rust and Python do), not by UTF-16 code unit. */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i), y = b.charCodeAt(i);
    if (x !== y) return rankUnit(x) - rankUnit(y);
  }
  return a.length - b.length;
}

// Surrogates (D800–DFFF) encode code points above FFFF, so they must rank after E000–FFFF.
function rankUnit(u: number): number {
  if (u >= 0xd800 && u <= 0xdfff) return u + 0x2000;
  if (u >= 0xe000) return u - 0x800;
  return u;
}
