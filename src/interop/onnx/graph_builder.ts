// Building one ONNX graph: initializers (the weights), nodes with unique output names, typed inputs
// and outputs with named dynamic dimensions ('batch', 'time'), then the model bytes with unfold's
// metadata. Every exporter writes through this, so names never clash and the file is always IR 7 /
// opset 14.

import { IR_VERSION, OPSET, attrInts, onnx, type OnnxTypes } from './proto.js';
import { floatTensorProto, int64TensorProto } from './tensor_proto.js';

/** A dimension of a graph input or output: a fixed size or a named dynamic one. */
export type Dim = number | string;

export class GraphBuilder {
  private readonly nodes: OnnxTypes.INodeProto[] = [];
  private readonly initializers: OnnxTypes.ITensorProto[] = [];
  private readonly inputs: OnnxTypes.IValueInfoProto[] = [];
  private readonly outputs: OnnxTypes.IValueInfoProto[] = [];
  private readonly names = new Set<string>();

  constructor(private readonly graphName: string) {}

  /** `base`, or `base_1`, `base_2`, … when taken. */
  unique(base: string): string {
    let name = base, i = 0;
    while (this.names.has(name)) name = `${base}_${++i}`;
    this.names.add(name);
    return name;
  }

  /** A float32 weight (initializer) with the given shape; returns its name. */
  weight(base: string, values: Float32Array, dims: readonly number[]): string {
    const name = this.unique(base);
    this.initializers.push(floatTensorProto(name, values, dims));
    return name;
  }

  /** An int64 constant (a 1-D initializer unless `dims` says otherwise); returns its name. */
  ints(base: string, values: readonly number[], dims: readonly number[] = [values.length]): string {
    const name = this.unique(base);
    this.initializers.push(int64TensorProto(name, values, dims));
    return name;
  }

  /** A graph input; returns its name (taken as given: callers choose input names). */
  input(name: string, elemType: number, dims: readonly Dim[]): string {
    this.names.add(name);
    this.inputs.push(valueInfo(name, elemType, dims));
    return name;
  }

  /**
   * Adds a node; its outputs get unique names from `outputs` (a count, named after the operator, or
   * the wanted names, which graph outputs need). Optional inputs left out are ''.
   */
  node(opType: string, inputs: readonly string[], attributes: OnnxTypes.IAttributeProto[] = [], outputs: number | readonly string[] = 1): string[] {
    const outs = typeof outputs === 'number'
      ? Array.from({ length: outputs }, (_, i) => this.unique(`${opType.toLowerCase()}${i === 0 ? '' : `_out${i}`}`))
      : outputs.map((n) => this.unique(n));
    this.nodes.push({ opType, name: this.unique(`${opType}_node`), input: [...inputs], output: outs, attribute: attributes });
    return outs;
  }

  /** One-output node. */
  op(opType: string, inputs: readonly string[], attributes: OnnxTypes.IAttributeProto[] = [], output?: string): string {
    return this.node(opType, inputs, attributes, output === undefined ? 1 : [output])[0];
  }

  /** Declares `value` a graph output under `name` (through an Identity when the name differs). */
  output(name: string, value: string, elemType: number, dims: readonly Dim[]): void {
    const out = value === name ? value : this.op('Identity', [value], [], name);
    if (out !== name) throw new Error(`graph output name '${name}' is already taken in graph '${this.graphName}'`);
    this.outputs.push(valueInfo(name, elemType, dims));
  }

  /** x with axes permuted. */
  transpose(x: string, perm: readonly number[]): string {
    return this.op('Transpose', [x], [attrInts('perm', perm)]);
  }

  /** The serialized model, with `metadata` as its metadata_props. */
  toBytes(metadata: Readonly<Record<string, string>> = {}, docString = ''): Uint8Array {
    const model: OnnxTypes.IModelProto = {
      irVersion: IR_VERSION,
      opsetImport: [{ domain: '', version: OPSET }],
      producerName: 'unfold',
      docString,
      graph: { name: this.graphName, node: this.nodes, initializer: this.initializers, input: this.inputs, output: this.outputs },
      metadataProps: Object.entries(metadata).map(([key, value]) => ({ key, value })),
    };
    return onnx.ModelProto.encode(model).finish();
  }
}

function valueInfo(name: string, elemType: number, dims: readonly Dim[]): OnnxTypes.IValueInfoProto {
  return {
    name,
    type: { tensorType: { elemType, shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } },
  };
}

