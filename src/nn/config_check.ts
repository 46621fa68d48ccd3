// The checks a model's constructor makes on its config, shared so that every model says the same
// thing the same way: a config may come from a file (a checkpoint's metadata), where a size can be a
// string, an array, a fraction or 1e300, and the message must show what came without trusting it.

import { describeValue } from '../tensor/describe_value.js';

/** The most layers a model's config may ask for (deeper stacks are a corrupted or hostile file). */
export const MAX_LAYERS = 1024;

/** Throws `${prefix}expected ${name} to be a positive integer[ <= max], got …` unless v is one. */
export function checkPositiveInteger(name: string, v: unknown, prefix = '', max = Number.MAX_SAFE_INTEGER): void {
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 1 && v <= max) return;
  const bound = max < Number.MAX_SAFE_INTEGER ? ` <= ${max}` : '';
  throw new Error(`${prefix}expected ${name} to be a positive integer${bound}, got ${typeof v === 'number' ? v : describeValue(v)}`);
}

/** Throws `${prefix}expected ${name} a, b or c, got …` unless v is one of `choices`. */
export function checkChoice(name: string, v: unknown, choices: readonly string[], prefix = ''): void {
  if (typeof v === 'string' && choices.includes(v)) return;
  const list = choices.length > 1 ? `${choices.slice(0, -1).join(', ')} or ${choices[choices.length - 1]}` : choices[0];
  throw new Error(`${prefix}expected ${name} ${list}, got ${typeof v === 'string' ? v.slice(0, 40) : describeValue(v)}`);
}
