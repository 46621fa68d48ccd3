// The vocabulary of an imported character model. A Keras .h5 or model.json holds no characters:
// char-rnn scripts keep the id ↔ character mapping beside the model, in one of a few forms, all
// read here: a JSON object { char: id } (char_to_idx.json), a JSON array of characters in id order,
// an unfold vocabulary (the vocab.json `unfold export tfjs` writes), or the training text itself,
// whose distinct characters sorted by code point are the ids (Python's sorted(set(text))).

import { Vocab } from '../../data/vocab.js';
import { describeValue } from '../../tensor/describe_value.js';

/**
 * The Vocab in `text` (a file's contents; `source` names it in errors), which must have `size` ids
 * (the model's). A mapping's ids must be 0 … size−1, each once.
 */
export function kerasVocab(text: string, size: number, source: string): Vocab {
  let json: unknown = undefined;
  if (/^\s*[[{]/.test(text)) {
    try { json = JSON.parse(text); } catch { json = undefined; }
  }
  let vocab: Vocab;
  if (Array.isArray(json)) {
    vocab = new Vocab(json.map((c, i) => expectChar(c, `${source}: entry ${i}`)), { unknown: 'error' });
  } else if (typeof json === 'object' && json !== null && (json as { type?: unknown }).type !== undefined) {
    vocab = Vocab.fromJSON(json);
  } else if (typeof json === 'object' && json !== null) {
    const byId: string[] = [];
    for (const [c, id] of Object.entries(json)) {
      if (!(Number.isInteger(id) && (id as number) >= 0 && (id as number) < size) || byId[id as number] !== undefined) {
        throw new Error(`${source}: expected each character's id to be a distinct integer in [0, ${size}), got ${describeValue(id)} for ${JSON.stringify(c)}`);
      }
      byId[id as number] = expectChar(c, source);
    }
    const missing = Array.from({ length: size }, (_, i) => i).filter((i) => byId[i] === undefined);
    if (missing.length > 0) throw new Error(`${source}: expected characters for ids 0 … ${size - 1}, got none for ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''}`);
    vocab = new Vocab(byId, { unknown: 'error' });
  } else {
    vocab = Vocab.fromText(text, { unknown: 'error' });
  }
  if (vocab.size !== size) throw new Error(`${source}: expected a vocabulary of ${size} characters (the model's), got ${vocab.size}`);
  return vocab;
}

function expectChar(c: unknown, where: string): string {
  if (typeof c !== 'string' || [...c].length !== 1) throw new Error(`${where}: expected a single character, got ${describeValue(c)}`);
  return c;
}
