// ONNX tensors (TensorProto) to and from plain arrays: float32 weights and int64 constants are written
// as little-endian raw_data; reading takes raw_data or the typed fields (float_data, int64_data, …),
// since writers use both, and refuses data kept outside the file, with the tensor's name.

import { DataType, int64, type OnnxTypes } from './proto.js';
import { describeValue } from '../../tensor/describe_value.js';

/** A tensor read out of an ONNX file: float values (FLOAT, DOUBLE) or integers (INT32, INT64, BOOL). */
export interface ConstTensor {
  readonly dims: readonly number[];
  readonly float: boolean;
  readonly data: Float32Array | number[];
}

/** A FLOAT tensor from float32 values, little-endian raw data. */
export function floatTensorProto(name: string, values: Float32Array, dims: readonly number[]): OnnxTypes.ITensorProto {
  const raw = new Uint8Array(values.length * 4);
  const view = new DataView(raw.buffer);
  values.forEach((v, i) => view.setFloat32(i * 4, v, true));
  return { name, dims: [...dims], dataType: DataType.FLOAT, rawData: raw };
}

/** An INT64 tensor from integers, little-endian raw data. */
export function int64TensorProto(name: string, values: readonly number[], dims: readonly number[]): OnnxTypes.ITensorProto {
  const raw = new Uint8Array(values.length * 8);
  const view = new DataView(raw.buffer);
  values.forEach((v, i) => view.setBigInt64(i * 8, BigInt(v), true));
  return { name, dims: [...dims], dataType: DataType.INT64, rawData: raw };
}

/** The values of a TensorProto; `where` names the file or node for errors. */
export function readTensorProto(t: OnnxTypes.ITensorProto, where: string): ConstTensor {
  const name = t.name || '(unnamed)';
  const dims = (t.dims ?? []).map(int64);
  if (dims.some((d) => !(Number.isSafeInteger(d) && d >= 0))) throw new Error(`${where}: tensor '${name}': expected non-negative dimensions, got [${dims.join(', ')}]`);
  const n = dims.reduce((a, d) => a * d, 1);
  if (t.dataLocation === 1 || (t.externalData?.length ?? 0) > 0) {
    throw new Error(`${where}: tensor '${name}': expected its data inside the file, got external data (save the model with its weights embedded)`);
  }
  const raw = t.rawData && t.rawData.length > 0 ? t.rawData : null;
  const type = t.dataType ?? 0;
  const width = type === DataType.FLOAT || type === DataType.INT32 ? 4 : type === DataType.INT64 || type === DataType.DOUBLE ? 8 : type === DataType.BOOL ? 1 : 0;
  if (width === 0) throw new Error(`${where}: tensor '${name}': expected data type FLOAT, DOUBLE, INT32, INT64 or BOOL, got ${describeValue(type)}`);
  const float = type === DataType.FLOAT || type === DataType.DOUBLE;
  if (raw) {
    if (raw.length !== n * width) throw new Error(`${where}: tensor '${name}': expected ${n * width} bytes of data for shape [${dims.join(', ')}], got ${raw.length}`);
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    const at = (i: number): number => {
      switch (type) {
        case DataType.FLOAT: return view.getFloat32(i * 4, true);
        case DataType.DOUBLE: return view.getFloat64(i * 8, true);
        case DataType.INT32: return view.getInt32(i * 4, true);
        case DataType.INT64: return Number(view.getBigInt64(i * 8, true));
        default: return view.getUint8(i);
      }
    };
    const values = Array.from({ length: n }, (_, i) => at(i));
    return { dims, float, data: float ? Float32Array.from(values) : values };
  }
  const typed: ArrayLike<number | { toNumber(): number }> = type === DataType.FLOAT ? t.floatData ?? []
    : type === DataType.DOUBLE ? t.doubleData ?? [] : type === DataType.INT64 ? t.int64Data ?? [] : t.int32Data ?? [];
  if (typed.length !== n) throw new Error(`${where}: tensor '${name}': expected ${n} values for shape [${dims.join(', ')}], got ${typed.length}`);
  const values = Array.from(typed, (v) => int64(v));
  return { dims, float, data: float ? Float32Array.from(values) : values };
}

/** A float matrix [r, k] transposed to [k, r]. */
export function transposeConst(t: ConstTensor): ConstTensor & { data: Float32Array } {
  const [r, k] = t.dims;
  const out = new Float32Array(r * k);
  for (let i = 0; i < r; i++) for (let j = 0; j < k; j++) out[j * r + i] = t.data[i * k + j];
  return { dims: [k, r], float: true, data: out };
}
