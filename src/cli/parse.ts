// Option-value parsers for the command line: each turns a string into a checked number and says
// what was expected when it cannot.

import { InvalidArgumentError } from 'commander';
import { MAX_LEARNING_RATE } from '../optim/learning_rate_limit.js';

export function int(min = 0): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (!/^-?\d+$/.test(v.trim()) || !Number.isSafeInteger(n) || n < min) {
      throw new InvalidArgumentError(`expected an integer >= ${min}, got '${v}'`);
    }
    return n;
  };
}

export function float(min = -Infinity, max = Infinity): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (v.trim() === '' || !Number.isFinite(n) || n < min || n > max) {
      throw new InvalidArgumentError(`expected a number in [${min}, ${max}], got '${v}'`);
    }
    return n;
  };
}

/** Every command's --lr: a number in (0, MAX_LEARNING_RATE] (src/optim/learning_rate_limit.ts). */
export function learningRate(): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (v.trim() === '' || !(n > 0 && n <= MAX_LEARNING_RATE)) {
      throw new InvalidArgumentError(`expected a learning rate in (0, ${MAX_LEARNING_RATE}], got '${v}'`);
    }
    return n;
  };
}

export function choice<T extends string>(...options: T[]): (v: string) => T {
  return (v) => {
    if (!(options as string[]).includes(v)) throw new InvalidArgumentError(`expected one of ${options.join(', ')}, got '${v}'`);
    return v as T;
  };
}
