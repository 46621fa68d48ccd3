// The ONNX messages: the official onnx.proto compiled for protobufjs (the onnx-proto package), so
// that no byte of the wire format is written by hand here. Also the version this code writes (IR 7,
// opset 14: ONNX 1.9, which every current runtime reads) and the conversions every part needs:
// int64 fields (protobufjs hands them over as Long objects) to numbers, attributes by name.

import onnxProto from 'onnx-proto';
import type { onnx as OnnxTypes } from 'onnx-proto';
import { describeValue } from '../../tensor/describe_value.js';

/** The protobufjs classes of onnx.proto (ModelProto.encode / decode, …). */
export const onnx = onnxProto.onnx;
export type { OnnxTypes };

/** The IR version of the models written (7: ONNX 1.9). */
export const IR_VERSION = 7;
/** The opset of the default domain the models are written for. */
export const OPSET = 14;

/** TensorProto.DataType values used here. */
export const DataType = { FLOAT: 1, INT32: 6, INT64: 7, BOOL: 9, DOUBLE: 11 } as const;

/** An int64 field as a number: protobufjs gives a number or a Long ({ low, high, toNumber() }). */
export function int64(v: number | { toNumber(): number } | null | undefined): number {
  if (v === null || v === undefined) return 0;
  return typeof v === 'number' ? v : v.toNumber();
}

/** An integer attribute. */
export function attrInt(name: string, i: number): OnnxTypes.IAttributeProto {
  return { name, type: onnx.AttributeProto.AttributeType.INT, i };
}

/** A float attribute. */
export function attrFloat(name: string, f: number): OnnxTypes.IAttributeProto {
  return { name, type: onnx.AttributeProto.AttributeType.FLOAT, f };
}

/** A string attribute. */
export function attrString(name: string, s: string): OnnxTypes.IAttributeProto {
  return { name, type: onnx.AttributeProto.AttributeType.STRING, s: new TextEncoder().encode(s) };
}

/** A list-of-integers attribute. */
export function attrInts(name: string, ints: readonly number[]): OnnxTypes.IAttributeProto {
  return { name, type: onnx.AttributeProto.AttributeType.INTS, ints: [...ints] };
}

/** A list-of-strings attribute. */
export function attrStrings(name: string, strings: readonly string[]): OnnxTypes.IAttributeProto {
  return { name, type: onnx.AttributeProto.AttributeType.STRINGS, strings: strings.map((s) => new TextEncoder().encode(s)) };
}

/** The value of a node's attribute as plain data (numbers, strings, arrays of them, a tensor), or undefined when absent. */
export type AttributeValue = number | string | number[] | string[] | OnnxTypes.ITensorProto;

/** A node's attributes by name, decoded. */
export function attributesOf(node: OnnxTypes.INodeProto): Map<string, AttributeValue> {
  const out = new Map<string, AttributeValue>();
  const T = onnx.AttributeProto.AttributeType;
  for (const a of node.attribute ?? []) {
    const name = a.name ?? '';
    switch (a.type) {
      case T.INT: out.set(name, int64(a.i)); break;
      case T.FLOAT: out.set(name, a.f ?? 0); break;
      case T.STRING: out.set(name, new TextDecoder().decode(a.s ?? new Uint8Array())); break;
      case T.INTS: out.set(name, (a.ints ?? []).map(int64)); break;
      case T.FLOATS: out.set(name, [...(a.floats ?? [])]); break;
      case T.STRINGS: out.set(name, (a.strings ?? []).map((s) => new TextDecoder().decode(s))); break;
      case T.TENSOR: if (a.t) out.set(name, a.t); break;
      default: throw new Error(`expected attributes of type int, float, string, ints, floats, strings or tensor, got type ${describeValue(a.type)} for attribute '${name}' of node ${nodeLabel(node)}`);
    }
  }
  return out;
}

/** How messages name a node: its operator and its name (or its first output). */
export function nodeLabel(node: OnnxTypes.INodeProto): string {
  return `${node.opType ?? '?'} '${node.name || node.output?.[0] || '?'}'`;
}
