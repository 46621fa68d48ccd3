// ONNX Runtime (onnxruntime-node, its CPU build shipped in the npm package) as the tests' truth for
// exported graphs: runs model bytes on named inputs and hands back plain arrays; plus the random
// inputs and the closeness check the ONNX tests share.

import ort from 'onnxruntime-node';
import { Tensor, tensor } from '../../src/tensor/tensor.js';
import { Rng } from '../../src/tensor/random.js';
import { assertClose } from '../helpers/tensors.js';

/** A graph input: floats (a Tensor) or integers (int64 in the graph). */
export type Feed = Tensor | { ints: ArrayLike<number>; shape: readonly number[] };

/** An output of a run. */
export interface Fetched {
  data: Float32Array;
  dims: readonly number[];
}

/** A session over model bytes, run as often as needed. */
export async function session(bytes: Uint8Array): Promise<(feeds: Record<string, Feed>) => Promise<Record<string, Fetched>>> {
  const s = await ort.InferenceSession.create(bytes);
  return async (feeds) => {
    const inputs: Record<string, ort.Tensor> = {};
    for (const [name, f] of Object.entries(feeds)) {
      inputs[name] = f instanceof Tensor
        ? new ort.Tensor('float32', Float32Array.from(f.dataSync()), [...f.shape])
        : new ort.Tensor('int64', BigInt64Array.from(Array.from(f.ints, (v) => BigInt(v))), [...f.shape]);
    }
    const out = await s.run(inputs);
    return Object.fromEntries(Object.entries(out).map(([n, t]) => [n, { data: t.data as Float32Array, dims: t.dims }]));
  };
}

/** Runs model bytes once. */
export async function runOnnx(bytes: Uint8Array, feeds: Record<string, Feed>): Promise<Record<string, Fetched>> {
  return (await session(bytes))(feeds);
}

/** A float32 tensor of U(−1, 1) entries from a seeded generator. */
export function randomTensor(shape: number[], rng: Rng): Tensor {
  const n = shape.reduce((a, d) => a * d, 1);
  return tensor(Array.from({ length: n }, () => rng.uniform(-1, 1)), shape);
}

/** Random token ids in [0, V). */
export function randomIds(n: number, V: number, rng: Rng): Int32Array {
  return Int32Array.from({ length: n }, () => Math.floor(rng.uniform(0, V)));
}

/** The 1e-5 agreement the ONNX tests ask for, with the output's name in the message. */
export function assertAgrees(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  assertClose(actual, expected, 1e-5, 0, what);
}
