// The parts of the wrappers (Recurrence's cell, Bidirectional's two layers, StackedRNN's layers) in a
// config: each part is written as its own { className, config } spec and built back from it, and a
// part that cannot be (a cell written as a plain object, not a Module) is named in the error.

import { Module } from '../module.js';
import type { InitOptions } from '../init.js';
import { isRecurrentCell, type RecurrentCell } from '../cells/cell.js';
import { childFromConfig, serializeModule, type ModuleSpec } from '../registry.js';
import { isSequenceModule, type SequenceModule } from './sequence_module.js';

/** A wrapper's part as a spec; throws naming the wrapper and the part when it is not a Module. */
export function serializePart(wrapper: string, what: string, part: object): ModuleSpec {
  if (!(part instanceof Module)) {
    throw new Error(`${wrapper}: cannot serialize the ${what}: expected a Module, got a plain ${isRecurrentCell(part) ? 'cell' : 'sequence'} object`);
  }
  return serializeModule(part);
}

/** A cell built from its spec. */
export function cellFromConfig(spec: unknown, init: InitOptions): Module & RecurrentCell {
  return childFromConfig(spec, init, 'a recurrent cell', isRecurrentCell);
}

/** A cell or sequence module (what Bidirectional and StackedRNN take) built from its spec. */
export function sequencePartFromConfig(spec: unknown, init: InitOptions): Module & (RecurrentCell | SequenceModule) {
  const accept = (m: unknown): m is RecurrentCell | SequenceModule => isRecurrentCell(m) || isSequenceModule(m);
  return childFromConfig(spec, init, 'a recurrent cell or sequence module', accept);
}
