// What an ONNX graph takes and gives, in one line for people: `ids int64 [batch, time], h0 float
// [2, batch, 64] → logits float [batch, time, 65], h_n float [2, batch, 64]`.

import { DataType, onnx, type OnnxTypes } from './proto.js';

const TYPE_NAMES: Readonly<Record<number, string>> = { [DataType.FLOAT]: 'float', [DataType.INT64]: 'int64', [DataType.INT32]: 'int32', [DataType.DOUBLE]: 'double', [DataType.BOOL]: 'bool' };

/** The inputs and outputs of the graph in ONNX model bytes, with their types and shapes. */
export function graphSignature(bytes: Uint8Array): string {
  const graph = onnx.ModelProto.decode(bytes).graph;
  const show = (vs: OnnxTypes.IValueInfoProto[] | null | undefined): string => (vs ?? []).map((v) => {
    const t = v.type?.tensorType;
    const dims = (t?.shape?.dim ?? []).map((d) => d.dimParam || String(d.dimValue ?? '?'));
    return `${v.name} ${TYPE_NAMES[t?.elemType ?? 0] ?? 'tensor'} [${dims.join(', ')}]`;
  }).join(', ');
  return `${show(graph?.input)} → ${show(graph?.output)}`;
}
