// The element types a safetensors file can name, their sizes, and the decoding of each into one of
// unfold's two float buffers. Half-precision floats (F16, BF16) widen exactly to float32; integers
// widen to float64 (exact for every 32-bit value and for 64-bit values up to 2^53) and only when
// the caller asks, because an integer tensor in a checkpoint is usually a counter, not a weight.
// Data is read with explicit little-endian loads, so big-endian hosts decode the same values.

import type { FloatArray } from '../backend/dtype.js';

/** Bytes per element of every dtype the safetensors specification defines at byte granularity. */
const ITEM_SIZE = {
  F64: 8, F32: 4, F16: 2, BF16: 2,
  I64: 8, I32: 4, I16: 2, I8: 1,
  U64: 8, U32: 4, U16: 2, U8: 1,
  BOOL: 1, F8_E4M3: 1, F8_E5M2: 1,
} as const;

/** A dtype name from the safetensors specification. */
export type SafetensorsDType = keyof typeof ITEM_SIZE;

const FLOAT_DTYPES: ReadonlySet<string> = new Set(['F64', 'F32', 'F16', 'BF16']);
const INTEGER_DTYPES: ReadonlySet<string> = new Set(['I64', 'I32', 'I16', 'I8', 'U64', 'U32', 'U16', 'U8', 'BOOL']);

/** The dtype names this reader recognises, for error messages. */
export const KNOWN_DTYPES: readonly string[] = Object.keys(ITEM_SIZE);

/** Whether `name` is a safetensors dtype (own-property check, so "toString" is not one). */
export function isKnownDType(name: string): name is SafetensorsDType {
  return Object.hasOwn(ITEM_SIZE, name);
}

export function itemSize(dtype: SafetensorsDType): number {
  return ITEM_SIZE[dtype];
}

export function isFloatDType(dtype: SafetensorsDType): boolean { return FLOAT_DTYPES.has(dtype); }
export function isIntegerDType(dtype: SafetensorsDType): boolean { return INTEGER_DTYPES.has(dtype); }

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

// Scratch for reinterpreting 32 bits as a float (BF16 is the top half of a float32).
const bits32 = new Uint32Array(1);
const float32View = new Float32Array(bits32.buffer);

/** IEEE 754 half precision to a number (exact: every half is a float32). */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const mantissa = h & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24; // zero and subnormals
  if (exponent === 0x1f) return mantissa === 0 ? sign * Infinity : NaN;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

/** bfloat16 bits to a number. */
export function bfloat16ToFloat(h: number): number {
  bits32[0] = h << 16;
  return float32View[0];
}

/**
 * Decodes `count` elements of `dtype` from `bytes` (little-endian) into a fresh float buffer:
 * float64 for F64 and integers, float32 otherwise. The caller has already checked that `bytes`
 * holds exactly `count * itemSize(dtype)` bytes and that the dtype is a float or an integer.
 * Returns `{ inexact: i }` when element i is an I64/U64 value beyond 2^53, which float64 cannot
 * hold exactly.
 */
export function decodeElements(bytes: Uint8Array, dtype: SafetensorsDType, count: number): FloatArray | { inexact: number } {
  if ((dtype === 'F32' || dtype === 'F64') && LITTLE_ENDIAN_HOST) {
    // One copy into a fresh, aligned buffer; the source offset may not be a multiple of 4 or 8.
    const out = dtype === 'F32' ? new Float32Array(count) : new Float64Array(count);
    new Uint8Array(out.buffer).set(bytes);
    return out;
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (dtype) {
    case 'F32': { const out = new Float32Array(count); for (let i = 0; i < count; i++) out[i] = view.getFloat32(4 * i, true); return out; }
    case 'F64': { const out = new Float64Array(count); for (let i = 0; i < count; i++) out[i] = view.getFloat64(8 * i, true); return out; }
    case 'F16': { const out = new Float32Array(count); for (let i = 0; i < count; i++) out[i] = halfToFloat(view.getUint16(2 * i, true)); return out; }
    case 'BF16': { const out = new Float32Array(count); for (let i = 0; i < count; i++) out[i] = bfloat16ToFloat(view.getUint16(2 * i, true)); return out; }
    default: return decodeIntegers(view, dtype, count);
  }
}

function decodeIntegers(view: DataView, dtype: SafetensorsDType, count: number): Float64Array | { inexact: number } {
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    switch (dtype) {
      case 'I8': out[i] = view.getInt8(i); break;
      case 'U8': case 'BOOL': out[i] = view.getUint8(i); break;
      case 'I16': out[i] = view.getInt16(2 * i, true); break;
      case 'U16': out[i] = view.getUint16(2 * i, true); break;
      case 'I32': out[i] = view.getInt32(4 * i, true); break;
      case 'U32': out[i] = view.getUint32(4 * i, true); break;
      case 'I64': case 'U64': {
        const v = dtype === 'I64' ? view.getBigInt64(8 * i, true) : view.getBigUint64(8 * i, true);
        if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < -BigInt(Number.MAX_SAFE_INTEGER)) return { inexact: i };
        out[i] = Number(v);
        break;
      }
      default: throw new Error(`internal: ${dtype} is not an integer dtype`);
    }
  }
  return out;
}

/** Writes a float buffer's elements as little-endian bytes into `out` at `offset`. */
export function encodeElements(data: FloatArray, out: Uint8Array, offset: number): void {
  if (LITTLE_ENDIAN_HOST) {
    out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), offset);
    return;
  }
  const view = new DataView(out.buffer, out.byteOffset + offset, data.byteLength);
  if (data instanceof Float64Array) for (let i = 0; i < data.length; i++) view.setFloat64(8 * i, data[i], true);
  else for (let i = 0; i < data.length; i++) view.setFloat32(4 * i, data[i], true);
}
