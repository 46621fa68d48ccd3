// Option-value parsers for the command line: each turns a string into a checked number and says
// what was expected when it cannot.

import { InvalidArgumentError } from 'commander';
import { MAX_LEARNING_RATE } from '../optim/learning_rate_limit.js';
import { MAX_MEMORY_LIMIT } from '../nn/memory_estimate.js';

/** The value as the messages show it: quoted, and cut short (a flag's value may be megabytes long). */
function quoted(v: string): string {
  return `'${v.length > 40 ? `${v.slice(0, 37)}...` : v}'`;
}

/** An integer >= min, and <= max when a max is given (sizes whose work or memory grows with them). */
export function int(min = 0, max = Number.MAX_SAFE_INTEGER): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (!/^-?\d+$/.test(v.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`expected an integer ${max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `in [${min}, ${max}]`}, got ${quoted(v)}`);
    }
    return n;
  };
}

export function float(min = -Infinity, max = Infinity): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (v.trim() === '' || !Number.isFinite(n) || n < min || n > max) {
      throw new InvalidArgumentError(`expected a number in [${min}, ${max}], got ${quoted(v)}`);
    }
    return n;
  };
}

/** Every command's --lr: a number in (0, MAX_LEARNING_RATE] (src/optim/learning_rate_limit.ts). */
export function learningRate(): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (v.trim() === '' || !(n > 0 && n <= MAX_LEARNING_RATE)) {
      throw new InvalidArgumentError(`expected a learning rate in (0, ${MAX_LEARNING_RATE}], got ${quoted(v)}`);
    }
    return n;
  };
}

/** A file path: not empty (an empty --out would write '.state.safetensors' into the current directory) and no NUL. */
export function filePath(): (v: string) => string {
  return (v) => {
    if (v.trim() === '' || v.includes('\0')) throw new InvalidArgumentError(`expected a file path, got ${v.includes('\0') ? 'a NUL character in' : 'an empty'} path`);
    return v;
  };
}

const SIZE_UNITS: Readonly<Record<string, number>> = { K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4 };

/** --max-memory: a size with a binary unit, '512M', '16G', '1.5GiB' or '2T', in bytes. */
export function memorySize(): (v: string) => number {
  return (v) => {
    const m = /^\s*(\d+(?:\.\d+)?)\s*([KMGT])(?:i?B)?\s*$/i.exec(v);
    const bytes = m ? Number(m[1]) * SIZE_UNITS[m[2].toUpperCase()] : NaN;
    if (!(bytes >= 1024 ** 2 && bytes <= MAX_MEMORY_LIMIT)) throw new InvalidArgumentError(`expected a size from 1M to 1024T such as 512M or 16G, got ${quoted(v)}`);
    return bytes;
  };
}

export function choice<T extends string>(...options: T[]): (v: string) => T {
  return (v) => {
    if (!(options as string[]).includes(v)) throw new InvalidArgumentError(`expected one of ${options.join(', ')}, got ${quoted(v)}`);
    return v as T;
  };
}
