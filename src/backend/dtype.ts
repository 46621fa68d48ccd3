// Element types and the raw buffers that hold them. float32 is the working type; float64 exists so
// that finite-difference gradient checks are not drowned by rounding.

export type DType = 'float32' | 'float64';

/** A flat buffer of elements of either dtype. Backends read and write these, never Tensors. */
export type FloatArray = Float32Array | Float64Array;

export function allocate(dtype: DType, length: number): FloatArray {
  return dtype === 'float64' ? new Float64Array(length) : new Float32Array(length);
}

export function dtypeOf(buffer: FloatArray): DType {
  return buffer instanceof Float64Array ? 'float64' : 'float32';
}

/** Copies `values` into a fresh buffer of `dtype` (converting if needed). */
export function toBuffer(dtype: DType, values: ArrayLike<number>): FloatArray {
  const out = allocate(dtype, values.length);
  out.set(values);
  return out;
}
