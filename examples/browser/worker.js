// The training side of the example page: a module Web Worker that imports the browser bundle,
// trains a character-level LSTM on the text it is sent with train.fit (the same loop `unfold
// train` uses), reports progress after every step, and ends with a sample. Training here keeps
// the page's own thread free, so the page stays responsive while the model learns.

import * as u from './unfold.js';

self.onmessage = async ({ data: job }) => {
  try {
    const wasm = await u.initWasm();
    if (wasm) u.setBackend(u.wasmBackend);
    const { text, steps = 200, hidden = 64, batch = 16, seqLen = 32, seed = 1 } = job;
    const vocab = u.data.Vocab.fromText(text);
    const rng = new u.Rng(seed);
    const model = new u.train.CharModel({ vocabSize: vocab.size, hiddenSize: hidden, embeddingSize: 16 }, { rng });
    const adam = new u.optim.AdamW(model.parameters(), { lr: 1e-2 });
    const windows = new u.data.RandomWindowSampler(vocab.encode(text), { batchSize: batch, seqLen, rng });
    const result = await u.train.fit({
      model, optimizer: adam, steps, clip: 5,
      data: () => windows.next(),
      loss: ({ inputs, targets }) =>
        u.nn.crossEntropy(model.forward(u.ops.indices(inputs, [batch, seqLen]))[0], u.ops.indices(targets, [batch, seqLen])),
      callbacks: { onStep: (s) => self.postMessage({ kind: 'step', step: s.step, loss: s.loss }) },
    });
    const sample = u.train.sample(model, vocab, { length: 200, temperature: 0.7, rng });
    self.postMessage({
      kind: 'done', backend: u.getBackend().name, steps: result.steps, firstLoss: result.firstLoss, loss: result.loss,
      tokensPerSec: result.tokensPerSec, sample, symbols: vocab.size,
    });
  } catch (e) {
    self.postMessage({ kind: 'error', message: String(e && e.message ? e.message : e) });
  }
};
