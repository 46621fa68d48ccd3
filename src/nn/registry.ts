// The module registry: a stable class name per Module class (a string written in the class's own
// file, never `constructor.name`, which minifiers rename) and a factory that builds the class from
// its getConfig(). serializeModule(m) and fromConfig(spec) are the two directions; a checkpoint
// stores the first and calls the second, then loads the state dict into what it built. A config
// read from a file is outside data: fromConfig refuses one that no class could have written (nested
// too deeply, Infinity, keys such as "toString" that would shadow what a message calls, overlong
// strings) before any class sees it, so that each class's own checks can print its values.

import type { Module } from './module.js';
import type { InitOptions } from './init.js';
import { describeValue, shortJson } from '../tensor/describe_value.js';

/** A JSON value: what a module config may hold. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** A model described as data: its registered class name and its config (children nested the same way). */
export interface ModuleSpec {
  className: string;
  config: { [key: string]: JsonValue };
}

/** Builds a module from its config (as getConfig() returned it, after a trip through JSON). */
export type ModuleFactory<C> = (config: C, init: InitOptions) => Module;

// A class as the registry keys it: anything whose instances are Modules (abstract or not).
type ModuleClass<M extends Module> = abstract new (...args: never[]) => M;

/** What a class may add to its registration. */
export interface ClassOptions<C> {
  /**
   * For a class whose construction costs more than its stored tensors (an echo state network draws
   * a reservoir the file does not hold and computes its spectral radius): checks a config against
   * the shapes of the tensors a file holds for it (`shapeOf(name)`, undefined when absent) before
   * anything is built, throwing an error that names what was expected.
   */
  checkStored?: (config: C, shapeOf: (name: string) => readonly number[] | undefined) => void;
}

interface Entry {
  readonly moduleClass: ModuleClass<Module>;
  readonly build: ModuleFactory<never>;
  readonly options: ClassOptions<never>;
}

/** The deepest nesting of objects and arrays a config may have (children's specs included). */
export const MAX_CONFIG_DEPTH = 32;
/** The longest string a config may hold (names of cells and kinds, not data). */
export const MAX_CONFIG_STRING = 1000;
// Keys that would shadow what String(), template literals and messages call on a value.
const RESERVED_KEYS: ReadonlySet<string> = new Set(Object.getOwnPropertyNames(Object.prototype));

const byName = new Map<string, Entry>();
const byClass = new Map<ModuleClass<Module>, string>();

/**
 * Registers `moduleClass` under `className`, with the factory that rebuilds it from its config.
 * Every class of unfold registers itself in its own file; call this once for a class of your own
 * before serializing or loading it. The name must be unique; registering the same class under the
 * same name again is a no-op.
 */
export function registerClass<M extends Module>(
  className: string,
  moduleClass: ModuleClass<M>,
  build: (config: ReturnType<M['getConfig']>, init: InitOptions) => M,
  options: ClassOptions<ReturnType<M['getConfig']>> = {},
): void {
  if (typeof className !== 'string' || className.length === 0) throw new Error(`registerClass: expected a non-empty class name, got ${JSON.stringify(className)}`);
  const had = byName.get(className);
  if (had && had.moduleClass !== moduleClass) throw new Error(`registerClass: the class name '${className}' is already registered for another class`);
  const named = byClass.get(moduleClass);
  if (named !== undefined && named !== className) throw new Error(`registerClass: this class is already registered as '${named}', got '${className}'`);
  byName.set(className, { moduleClass, build: build as ModuleFactory<never>, options: options as ClassOptions<never> });
  byClass.set(moduleClass, className);
}

/** The registered class names, sorted. */
export function registeredModules(): string[] {
  return [...byName.keys()].sort();
}

/** The registered name of m's class; throws naming the class when it is not registered. */
export function classNameOf(m: Module): string {
  const name = byClass.get(m.constructor as ModuleClass<Module>);
  if (name === undefined) {
    const shown = m.constructor.name || 'an anonymous class';
    throw new Error(`serializeModule: expected a registered module class, got ${shown}; call registerClass('${shown}', ${shown}, (config) => new ${shown}(config)) once`);
  }
  return name;
}

/**
 * m as data: `{ className, config }`, with config a copy of m.getConfig() checked to be plain JSON
 * (children nested as their own specs). JSON.stringify of the result is the model's description.
 */
export function serializeModule(m: Module): ModuleSpec {
  const className = classNameOf(m);
  const config = plainJson(m.getConfig(), `${className} config`, '');
  if (config === null || typeof config !== 'object' || Array.isArray(config)) {
    throw new Error(`serializeModule: expected ${className}.getConfig() to return an object, got ${describeValue(config)}`);
  }
  return { className, config };
}

/**
 * A freshly built model from a spec (serializeModule's output, or its JSON parsed): weights from
 * the default initialisation (from `init.rng` when given), ready for loadStateDict.
 * Throws naming the known classes when the class is unknown, and naming the class when its config is bad.
 */
export function fromConfig(spec: unknown, init: InitOptions = {}): Module {
  const { className, config, entry } = lookUp(spec);
  try {
    return (entry.build as ModuleFactory<unknown>)(config, init);
  } catch (e) {
    const msg = (e as Error).message;
    throw new Error(msg.startsWith('fromConfig:') ? msg : `fromConfig: bad config for ${className}: ${msg}`, { cause: e });
  }
}

/**
 * Checks a spec against the shapes of the tensors a file holds for it, before building it, for the
 * classes registered with a `checkStored` (others pass: their tensors are checked once built).
 */
export function checkStored(spec: unknown, shapeOf: (name: string) => readonly number[] | undefined): void {
  const { className, config, entry } = lookUp(spec);
  try {
    (entry.options.checkStored as ClassOptions<unknown>['checkStored'])?.(config, shapeOf);
  } catch (e) {
    throw new Error(`fromConfig: bad config for ${className}: ${(e as Error).message}`, { cause: e });
  }
}

// The registered class of a spec and its config, checked to be plain data a class could have written.
function lookUp(spec: unknown): { className: string; config: Record<string, unknown>; entry: Entry } {
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) {
    throw new Error(`fromConfig: expected a module spec { className, config }, got ${describeValue(spec)}`);
  }
  const { className, config } = spec as Record<string, unknown>;
  if (typeof className !== 'string') throw new Error(`fromConfig: expected a string className, got ${describeValue(className)}`);
  const entry = byName.get(className);
  if (!entry) {
    throw new Error(`fromConfig: expected a registered module class (${registeredModules().join(', ')}; registerClass adds your own), got unknown ${shortJson(className)}`);
  }
  if (config === null || typeof config !== 'object' || Array.isArray(config)) {
    throw new Error(`fromConfig: bad config for ${className}: expected an object, got ${describeValue(config)}`);
  }
  const problem = configProblem(config);
  if (problem !== null) throw new Error(`fromConfig: bad config for ${className}: ${problem}`);
  return { className, config: config as Record<string, unknown>, entry };
}

// What makes `config` something no getConfig() returns (null when nothing), found without recursion.
function configProblem(config: object): string | null {
  const todo: [unknown, string, number][] = [[config, '', 1]];
  while (todo.length > 0) {
    const [v, path, depth] = todo.pop()!;
    const at = path || 'the top';
    if (typeof v === 'number' && !Number.isFinite(v)) return `expected finite numbers, got ${v} at ${at}`;
    if (typeof v === 'string' && v.length > MAX_CONFIG_STRING) return `expected strings of at most ${MAX_CONFIG_STRING} characters, got ${v.length} at ${at}`;
    if (typeof v !== 'object' || v === null) continue;
    if (depth > MAX_CONFIG_DEPTH) return `expected a config nested at most ${MAX_CONFIG_DEPTH} levels deep, got deeper at ${at}`;
    if (Array.isArray(v)) {
      v.forEach((x, i) => todo.push([x, `${path}[${i}]`, depth + 1]));
      continue;
    }
    for (const [k, x] of Object.entries(v)) {
      if (RESERVED_KEYS.has(k)) return `expected config keys that are not built-in property names, got ${shortJson(k)} at ${at}`;
      todo.push([x, `${path}.${k.length > 40 ? `${k.slice(0, 37)}...` : k}`, depth + 1]);
    }
  }
  return null;
}

/**
 * fromConfig for a part of a model that must be of one kind (a cell, a tree encoder): the module
 * built from `spec` when `accept` takes it, else an error naming `what` was expected.
 */
export function childFromConfig<M>(spec: unknown, init: InitOptions, what: string, accept: (m: unknown) => m is M): Module & M {
  const m = fromConfig(spec, init);
  if (!accept(m)) throw new Error(`expected ${what}, got ${classNameOf(m)}`);
  return m;
}

// A copy of v holding only JSON (undefined object fields are dropped, as JSON.stringify does);
// throws naming the path of the first thing that is not.
function plainJson(v: unknown, what: string, path: string): JsonValue {
  if (v === null || typeof v === 'boolean' || typeof v === 'string') return v;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error(`serializeModule: ${what} holds ${v} at ${path || 'the top'}; expected a finite number (JSON has no ${v})`);
    return v;
  }
  if (Array.isArray(v)) return v.map((x, i) => plainJson(x, what, `${path}[${i}]`));
  if (typeof v === 'object' && v !== null) {
    const proto: unknown = Object.getPrototypeOf(v);
    if (proto === Object.prototype || proto === null) {
      const out: { [key: string]: JsonValue } = {};
      for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = plainJson(x, what, `${path}.${k}`);
      return out;
    }
  }
  throw new Error(`serializeModule: ${what} holds ${describeValue(v)} at ${path || 'the top'}; expected plain JSON (numbers, strings, booleans, arrays, objects)`);
}
