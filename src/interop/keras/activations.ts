// The activation functions a Keras or TensorFlow.js model names in its config ('tanh',
// 'hard_sigmoid', …), as unfold ops, and the refusal of the ones unfold does not implement. Keras 3
// redefined hard_sigmoid (relu6(x + 3) / 6, slope 1/6) where Keras 2 and TensorFlow.js use slope 0.2,
// so the name alone is not enough: the file's Keras version picks the form (kerasActivation).

import type { Tensor } from '../../tensor/tensor.js';
import { add, mul, relu, sigmoid, sub, tanh } from '../../autograd/ops/elementwise.js';
import { softmax } from '../../autograd/ops/softmax.js';
import { describeValue } from '../../tensor/describe_value.js';

/**
 * An activation unfold runs: Keras' names, except `hard_sigmoid_v3`, Keras 3's hard_sigmoid
 * (clip(x/6 + 0.5, 0, 1)), which shares Keras 2's name (clip(0.2·x + 0.5, 0, 1)) in a file.
 */
export type Activation = 'linear' | 'tanh' | 'sigmoid' | 'hard_sigmoid' | 'hard_sigmoid_v3' | 'relu' | 'softmax';

const ACTIVATIONS: readonly Activation[] = ['linear', 'tanh', 'sigmoid', 'hard_sigmoid', 'hard_sigmoid_v3', 'relu', 'softmax'];

// TensorFlow.js writes its own camelCase names into configs it saves.
const ALIASES: Readonly<Record<string, Activation>> = { hardSigmoid: 'hard_sigmoid' };

/**
 * The activation a config names (`null` or absent: linear), for a file saved by `kerasVersion`
 * ('2.2.4', '3.8.0', 'tfjs-layers 4.22.0'); throws naming the layer and the activations unfold has.
 */
export function kerasActivation(name: unknown, kerasVersion: string, where: string): Activation {
  if (name === null || name === undefined) return 'linear';
  const given = typeof name === 'string' ? (ALIASES[name] ?? name) : name;
  if (typeof given !== 'string' || !ACTIVATIONS.includes(given as Activation) || given === 'hard_sigmoid_v3') {
    throw new Error(`${where}: unsupported activation ${describeValue(name)}; unfold imports ${ACTIVATIONS.filter((a) => a !== 'hard_sigmoid_v3').join(', ')}`);
  }
  return given === 'hard_sigmoid' && /^3\./.test(kerasVersion) ? 'hard_sigmoid_v3' : (given as Activation);
}

/** Whether `a` is an Activation (for configs read back from a checkpoint). */
export function isActivation(a: unknown): a is Activation {
  return typeof a === 'string' && ACTIVATIONS.includes(a as Activation);
}

/** The Keras name an Activation is saved under, or null when TensorFlow.js has no function of that form. */
export function tfjsActivationName(a: Activation): string | null {
  return a === 'hard_sigmoid_v3' ? null : a;
}

/** f(x) for an activation (softmax over the last axis). */
export function applyActivation(a: Activation, x: Tensor): Tensor {
  switch (a) {
    case 'linear': return x;
    case 'tanh': return tanh(x);
    case 'sigmoid': return sigmoid(x);
    case 'relu': return relu(x);
    case 'softmax': return softmax(x, -1);
    case 'hard_sigmoid': return clip01(add(mul(x, 0.2), 0.5));
    case 'hard_sigmoid_v3': return clip01(add(mul(x, 1 / 6), 0.5));
  }
}

// min(max(y, 0), 1) as relu(y) − relu(y − 1), which has the right derivative almost everywhere.
function clip01(y: Tensor): Tensor {
  return sub(relu(y), relu(sub(y, 1)));
}
