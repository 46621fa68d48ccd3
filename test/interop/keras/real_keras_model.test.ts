// A real character-level LSTM trained with Keras 3.8 (Embedding(29, 64) → LSTM(150) → LSTM(150)
// → softmax Dense, on lowercase Shakespeare) from a public repository, imported from its .h5 file:
// unfold's CharModel gives Keras' probabilities (as the imported KerasSequential computes them),
// predicts a Shakespeare passage far better than chance, and samples English-looking text. The
// file is not committed (its repository has no license), so the test runs where
// UNFOLD_KERAS_SHAKESPEARE_DIR names a folder holding it and skips elsewhere.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { indices } from '../../../src/autograd/ops/gather.js';
import { logSoftmax, softmax } from '../../../src/autograd/ops/softmax.js';
import { select } from '../../../src/autograd/ops/shape_ops.js';
import { Rng } from '../../../src/tensor/random.js';
import { Vocab } from '../../../src/data/vocab.js';
import { sample } from '../../../src/train/sample.js';
import { readKerasModelFile } from '../../../src/interop/keras/model_files.js';
import { kerasToUnfold } from '../../../src/interop/keras/layer_import.js';
import { toCharModel } from '../../../src/interop/keras/char_model_import.js';
import { assertClose } from '../../helpers/tensors.js';

const DIR = process.env.UNFOLD_KERAS_SHAKESPEARE_DIR ?? '';
const present = DIR !== '' && existsSync(join(DIR, 'shakespeare.h5')) && existsSync(join(DIR, 'char_to_idx.json'));
const skip = present ? false
  : 'the real Keras model is not here: set UNFOLD_KERAS_SHAKESPEARE_DIR to a folder holding shakespeare.h5 and char_to_idx.json '
    + 'from github.com/Sourav-Kirshan-Lalan/Shakespeare-Text-Generator at commit 2f0e140d046de1185691ef7c6d4ee179a6cbf786 '
    + '(not committed here: that repository states no license)';

const PASSAGE = 'to be or not to be that is the question\nwhether tis nobler in the mind to suffer\n'
  + 'the slings and arrows of outrageous fortune\nor to take arms against a sea of troubles\n';

const COMMON = new Set(('the and to of a i you my that in is not it me with for be his your this but he have as thou so him will what '
  + 'thy all her do no shall by we or if are our on thee lord now good o from at they she let more well love was then how which there '
  + 'would their them am can one did come may upon make sir say know like were here had an us should must than king when').split(' '));

test('real Keras model: a Keras 3 char-LSTM from a public repository imports, predicts Shakespeare and samples English-looking text', { skip }, async () => {
  const keras = kerasToUnfold(await readKerasModelFile(join(DIR, 'shakespeare.h5'))).eval();
  const char = toCharModel(keras, 'shakespeare.h5').eval();
  assert.deepEqual({ ...char.config }, { vocabSize: 29, cell: 'lstm', hiddenSize: 150, numLayers: 2, embeddingSize: 64, dropout: 0 });
  const byId = Object.entries(JSON.parse(readFileSync(join(DIR, 'char_to_idx.json'), 'utf8')) as Record<string, number>).sort((a, b) => a[1] - b[1]);
  const vocab = new Vocab(byId.map(([c]) => c), { unknown: 'error' });
  const ids = vocab.encode(PASSAGE);
  // Keras' own input: a window of 60 ids, its output the next character's probabilities.
  const window = indices(ids.slice(0, 60), [1, 60]);
  const [logits] = char.forward(window);
  assertClose(softmax(select(logits, 1, 59), -1).dataSync(), keras.forward(window).dataSync(), 1e-5, 0, 'probabilities');
  // Read statefully over the passage, it predicts each next character at well under chance's ln 29 = 3.37 nats.
  const [all] = char.forward(indices(ids, [1, ids.length]));
  const lp = logSoftmax(all, -1).dataSync();
  let nll = 0;
  for (let t = 0; t + 1 < ids.length; t++) nll -= lp[t * 29 + ids[t + 1]];
  const natsPerChar = nll / (ids.length - 1);
  assert.ok(natsPerChar < 2.4, `expected under 2.4 nats/char on the passage, got ${natsPerChar.toFixed(3)}`);
  const text = sample(char, vocab, { prime: 'to be or not to be that is the ', temperature: 0.5, length: 400, rng: new Rng(1) });
  const words = text.split(/\s+/).filter((w) => w.length > 0);
  const common = words.filter((w) => COMMON.has(w)).length / words.length;
  assert.ok(common > 0.35, `expected over 35% common English words in the sample, got ${(100 * common).toFixed(0)}%: ${JSON.stringify(text)}`);
  console.log(`real Keras model: ${natsPerChar.toFixed(3)} nats/char on the passage, ${(100 * common).toFixed(0)}% common words; sample: ${JSON.stringify(text.slice(0, 200))}`);
});
